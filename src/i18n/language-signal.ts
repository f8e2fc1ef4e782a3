/**
 * Which language a message is written in, when it says: Chinese script → zh-CN; an English
 * sentence → en-US. Answers such as "N5W1234567", "ok" or an email carry no signal.
 */
import type { Locale } from '../validation/ticket.ts';

const HAN = /\p{Script=Han}/u;
/** Tokens that are codes, emails, links or domains rather than words. */
const NOT_WORDS = /\S*(?:[@:/\d]|\w\.\w)\S*/g;

/** `minEnglishWords`: how many English words make a sentence (more once a language is set). */
export function languageSignal(text: string, minEnglishWords = 1): Locale | undefined {
  if (HAN.test(text)) return 'zh-CN';
  const words = text.replace(NOT_WORDS, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= minEnglishWords ? 'en-US' : undefined;
}
