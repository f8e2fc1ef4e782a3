/**
 * Recognises short answers: yes/no, skip, a choice, a command, a field name.
 * Both languages' words are accepted whatever the conversation's language: a Chinese-speaking
 * merchant may well type "ok". Matching is on the whole normalised message.
 */
import { COMMANDS, type CommandName, NO, SKIP, YES } from '../../dialogs/vocabulary.ts';
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

export function parseYesNo(text: string): boolean | undefined {
  if (matches(yesWords, text)) return true;
  if (matches(noWords, text)) return false;
  return undefined;
}

export function isSkip(text: string): boolean {
  return matches(skipWords, text);
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
  for (const option of options) {
    const words = phraseSet(option.synonyms);
    for (const lng of LOCALES) words.add(normalizeAnswer(t(lng, option.label)));
    if (words.has(answer)) return option.value;
  }
  return undefined;
}

/**
 * Finds the slot a merchant names when editing from the summary: by its number in the
 * summary list, its label, or one of its names ("改电话", "change phone").
 */
export function findSlotByName(slots: readonly SlotDefinition[], text: string): SlotDefinition | undefined {
  const answer = normalizeAnswer(text)
    .replace(/^(我要|我想|帮我)?(修改|更改|改一下|改|更正|换)(一下)?/u, '')
    .replace(/^(change|edit|fix|update|correct)( the| my)? /u, '')
    .trim();
  const index = Number.parseInt(answer, 10);
  if (/^\d+$/.test(answer)) return index >= 1 && index <= slots.length ? slots[index - 1] : undefined;
  for (const slot of slots) {
    const words = slot.names ? phraseSet(slot.names) : new Set<string>();
    for (const lng of LOCALES) words.add(normalizeAnswer(t(lng, slot.label)));
    if (words.has(answer)) return slot;
  }
  return undefined;
}
