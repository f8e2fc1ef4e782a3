/**
 * Which language a message is written in. Chinese characters → zh-CN, clear English words →
 * en-US, neither (numbers, an SN, emoji, "ok") → the fallback. A message with both goes to the one
 * with more: each Chinese character and each English word count 1, a tie is Chinese. So "bye啦"
 * and "我要unbind" are Chinese; "how do I unbind 店掌柜" is English (product names don't count).
 */
import { loadNeutralWords, type NeutralWords } from './data.ts';
import type { Locale } from './types.ts';

const HAN = /\p{Script=Han}/gu;
const LINKS_AND_EMAILS = /(?:https?:\/\/|www\.)\S+|\S+@\S+/giu;
const LATIN_WORD = /^[a-z]{2,}(?:'[a-z]+)*$/i;

let neutral: NeutralWords | undefined;

/** Latin words that stand alone (not inside a serial number like N5W1234567) and say something. */
function countEnglishWords(text: string, words: Set<string>): number {
  const tokens = text
    .normalize('NFKC')
    .replace(LINKS_AND_EMAILS, ' ')
    .split(/[^a-z0-9']+/i);
  return tokens.filter((token) => LATIN_WORD.test(token) && !words.has(token.toLowerCase())).length;
}

export function detectLocale(text: string, fallback: Locale = 'zh-CN'): Locale {
  neutral ??= loadNeutralWords();
  let chinese = text;
  for (const name of neutral.names) chinese = chinese.replaceAll(name, ' ');
  const han = chinese.match(HAN)?.length ?? 0;
  const english = countEnglishWords(text, neutral.words);
  if (han === 0 && english === 0) return fallback;
  return han >= english ? 'zh-CN' : 'en-US';
}
