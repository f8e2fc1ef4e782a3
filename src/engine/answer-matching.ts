/**
 * Recognises short answers: yes/no, skip, a choice, a command, a field name.
 * Both languages' words are accepted whatever the conversation's language: a Chinese-speaking
 * merchant may well type "ok". Matching is on the whole normalised message.
 */
import { COMMANDS, type CommandName, EDIT_PREFIXES, NO, SKIP, YES } from '../../dialogs/vocabulary.ts';
import { t } from '../i18n/translate.ts';
import { LOCALES } from '../validation/ticket.ts';
import type { ChoiceOption, Phrases, SlotDefinition } from './form-definition.ts';

/** Full-width to half-width, lower case, edge punctuation/emoji and inner spacing folded. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{Extended_Pictographic}|\u{FE0F}/gu, '')
    .replace(/^[\s\p{P}]+|[\s\p{P}~]+$/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function phraseSet(phrases: Phrases): Set<string> {
  return new Set(LOCALES.flatMap((lng) => phrases[lng].map(normalizeAnswer)));
}

const yesWords = phraseSet(YES);
const noWords = phraseSet(NO);
const skipWords = phraseSet(SKIP);
const commandWords = Object.entries(COMMANDS).map(
  ([name, phrases]) => [name as CommandName, phraseSet(phrases)] as const,
);

function matches(words: Set<string>, text: string): boolean {
  const answer = normalizeAnswer(text);
  // A lone "?" normalises to "", so keep the raw form for punctuation-only commands.
  return words.has(answer) || (answer === '' && words.has(text.normalize('NFKC').trim()));
}

/**
 * What the phrases found inside a longer answer mean, reading the longest first so "不同意" is
 * itself and not "同意", and "不能用" is not "能用". Only phrases of two or more characters, or
 * whole English words, count. Undefined when none is found or they disagree.
 */
function meaningInside<T>(answer: string, phrases: Iterable<readonly [phrase: string, meaning: T]>): T | undefined {
  const usable = [...phrases]
    .filter(([p]) => [...p].length >= 2 || /^[a-z']+$/.test(p))
    .sort((a, b) => b[0].length - a[0].length);
  let rest = ` ${answer.replace(/\p{P}/gu, ' ')} `;
  const found = new Set<T>();
  for (const [phrase, meaning] of usable) {
    const pattern = /^[a-z' ]+$/.test(phrase) ? ` ${phrase} ` : phrase;
    if (rest.includes(pattern)) {
      found.add(meaning);
      rest = rest.replaceAll(pattern, ' ');
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

const yesNoPhrases = [...[...yesWords].map((p) => [p, true] as const), ...[...noWords].map((p) => [p, false] as const)];

/** The whole message is just a yes or a no word ("好的", "ok", "不"). */
export function isBareYesNo(text: string): boolean {
  return matches(yesWords, text) || matches(noWords, text);
}

export function parseYesNo(text: string): boolean | undefined {
  if (matches(yesWords, text)) return true;
  if (matches(noWords, text)) return false;
  return meaningInside(normalizeAnswer(text), yesNoPhrases);
}

/** "跳过", "没有邮箱", "no email": a skip word in a message that holds no value. */
export function isSkip(text: string): boolean {
  if (matches(skipWords, text)) return true;
  const answer = normalizeAnswer(text);
  if (/[@\d]|:\/\//.test(answer)) return false;
  const words = ` ${answer.replace(/[^\p{L}\p{N}/]+/gu, ' ')} `;
  return [...skipWords].some((w) =>
    /^[a-z/ ]+$/.test(w) ? words.includes(` ${w} `) : [...w].length >= 2 && answer.includes(w),
  );
}

export function recognizeCommand(text: string): CommandName | undefined {
  if (normalizeAnswer(text) === '' && text.normalize('NFKC').trim() === '') return undefined;
  for (const [name, words] of commandWords) if (matches(words, text)) return name;
  return undefined;
}

/** Picks an option by its number (1-based), its label in either language, or a synonym. */
export function parseChoice(options: readonly ChoiceOption[], text: string): string | undefined {
  const answer = normalizeAnswer(text);
  const index = Number.parseInt(answer, 10);
  if (/^\d+$/.test(answer) && index >= 1 && index <= options.length) return options[index - 1]?.value;
  const phrases: [string, string][] = [];
  for (const option of options) {
    const words = phraseSet(option.synonyms);
    for (const lng of LOCALES) words.add(normalizeAnswer(t(lng, option.label)));
    if (words.has(answer)) return option.value;
    for (const word of words) phrases.push([word, option.value]);
  }
  // "坏了开不了机": a synonym inside a longer answer, when it points to one option only.
  return meaningInside(answer, phrases);
}

/**
 * Finds the slot a merchant names when editing from the summary: by its number in the
 * summary list, its label, or one of its names ("改电话", "change phone").
 */
export function findSlotByName(slots: readonly SlotDefinition[], text: string): SlotDefinition | undefined {
  let answer = normalizeAnswer(text);
  const prefix = EDIT_PREFIXES.find((p) => answer.startsWith(p));
  if (prefix) answer = answer.slice(prefix.length).trim();
  const index = Number.parseInt(answer, 10);
  if (/^\d+$/.test(answer)) return index >= 1 && index <= slots.length ? slots[index - 1] : undefined;
  for (const slot of slots) {
    const words = slot.names ? phraseSet(slot.names) : new Set<string>();
    for (const lng of LOCALES) words.add(normalizeAnswer(t(lng, slot.label)));
    if (words.has(answer)) return slot;
  }
  return undefined;
}
