/**
 * Which language a message is written in: the one rule behind both the reply language
 * (bot/turn-locale.ts) and the classifier that reads the message. Chinese characters count for
 * zh-CN, standalone English words for en-US; numbers, serial numbers, links, emails, emoji and
 * neutral words ("ok", "sn", "pos") count for neither, nor do the Chinese product names everyone
 * writes (店掌柜). The side with more wins, a tie is Chinese: "bye啦" and "我要unbind" are Chinese,
 * "how do I unbind 店掌柜" is English.
 */
import { loadNeutralWords, type NeutralWords } from './data.ts';
import type { Locale } from './types.ts';

const HAN = /\p{Script=Han}/gu;
/** Codes, links, emails and domains (any token with a digit, @, :, / or a dot inside): the same in any language. */
const NOT_WORDS = /\S*(?:[@:/\d]|\w\.\w)\S*/gu;
const LATIN_WORD = /^[a-z]{2,}(?:'[a-z]+)*$/i;

let neutral: NeutralWords | undefined;

/** Latin words that stand alone (not inside a serial number like N5W1234567) and say something. */
function countEnglishWords(text: string, words: Set<string>): number {
  const tokens = text
    .normalize('NFKC')
    .replace(NOT_WORDS, ' ')
    .split(/[^a-z0-9']+/i);
  return tokens.filter((token) => LATIN_WORD.test(token) && !words.has(token.toLowerCase())).length;
}

/**
 * The language the message is written in, or undefined when it says nothing about it.
 * `minEnglishWords`: fewer English words than this count as none (a conversation that already has
 * a language asks for a sentence, so a pinyin name or "thanks" does not switch it).
 */
export function writtenLocale(text: string, minEnglishWords = 1): Locale | undefined {
  neutral ??= loadNeutralWords();
  let chinese = text;
  for (const name of neutral.names) chinese = chinese.replaceAll(name, ' ');
  const han = chinese.match(HAN)?.length ?? 0;
  const counted = countEnglishWords(text, neutral.words);
  const english = counted >= minEnglishWords ? counted : 0;
  if (han === 0 && english === 0) return undefined;
  return han >= english ? 'zh-CN' : 'en-US';
}

/** The message's language, or `fallback` when it says nothing about it. */
export function detectLocale(text: string, fallback: Locale = 'zh-CN'): Locale {
  return writtenLocale(text) ?? fallback;
}
