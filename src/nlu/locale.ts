/**
 * Which language a message is written in. Chinese characters → zh-CN, clear English words →
 * en-US, neither (numbers, an SN, emoji, "ok") → the fallback. A message mixing both goes to the
 * one with more weight: each Chinese character counts 1, each English word 1.5, so "我要unbind" is
 * Chinese and "how do I unbind 店掌柜" is English.
 */
import { loadNeutralWords } from './data.ts';
import type { Locale } from './types.ts';

const HAN = /\p{Script=Han}/gu;
const LINKS_AND_EMAILS = /(?:https?:\/\/|www\.)\S+|\S+@\S+/giu;
const LATIN_WORD = /[a-z]+(?:'[a-z]+)*/gi;
const ENGLISH_WORD_WEIGHT = 1.5;

let neutral: Set<string> | undefined;

function isEnglishWord(word: string): boolean {
  neutral ??= loadNeutralWords();
  return word.length >= 2 && !neutral.has(word.toLowerCase());
}

/** Counts Latin words that stand alone (not part of a serial number like N5W1234567). */
function countEnglishWords(text: string): number {
  let count = 0;
  for (const token of text
    .normalize('NFKC')
    .replace(LINKS_AND_EMAILS, ' ')
    .split(/[^a-z0-9']+/i)) {
    const words = token.match(LATIN_WORD);
    if (words && words.length === 1 && words[0] === token && isEnglishWord(token)) count++;
  }
  return count;
}

export function detectLocale(text: string, fallback: Locale = 'zh-CN'): Locale {
  const han = text.match(HAN)?.length ?? 0;
  const english = countEnglishWords(text) * ENGLISH_WORD_WEIGHT;
  if (han === 0 && english === 0) return fallback;
  return han >= english ? 'zh-CN' : 'en-US';
}
