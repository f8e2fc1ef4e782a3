/**
 * Recognises short answers: yes/no, skip, a choice, a command, a field name, in the words a form
 * or the bot brings (see FormVocabulary). Both languages' words are accepted whatever the
 * conversation's language: a Chinese-speaking merchant may well type "ok". Matching is on the
 * whole normalised message.
 */
import { t } from '../i18n/translate.ts';
import type { Locale } from '../validation/ticket.ts';
import { LOCALES } from '../validation/ticket.ts';
import type { ChoiceOption, ChoiceSlot, FormVocabulary, Phrases, SlotDefinition } from './form-definition.ts';

/**
 * What a merchant's own words for a choice mean ("生意做不下去了" → relocation_or_closure): the
 * option's value when language understanding is confident, else undefined.
 */
export type UnderstandChoice = (slot: ChoiceSlot, text: string, locale: Locale) => string | undefined;

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
  // An emoji answer ("👍") normalises to nothing: it is kept as written, and matched so (see matches).
  return new Set(LOCALES.flatMap((lng) => phrases[lng].map((p) => normalizeAnswer(p) || p.normalize('NFKC').trim())));
}

function matches(words: Set<string>, text: string): boolean {
  const answer = normalizeAnswer(text);
  // A lone "?" normalises to "", so keep the raw form for punctuation-only commands.
  return words.has(answer) || (answer === '' && words.has(text.normalize('NFKC').trim()));
}

/** Phrases that count inside a longer answer, longest first (see meaningInside). */
type PhraseIndex<T> = readonly (readonly [pattern: string, meaning: T])[];

/**
 * Only phrases of two or more characters, or whole English words (matched with spaces around),
 * count inside a longer answer; read longest first, so "不同意" is itself and not "同意", and
 * "不能用" is not "能用". Built once per word list: the lists are static.
 */
function phraseIndex<T>(phrases: Iterable<readonly [phrase: string, meaning: T]>): PhraseIndex<T> {
  return [...phrases]
    .filter(([p]) => [...p].length >= 2 || /^[a-z']+$/.test(p))
    .sort((a, b) => b[0].length - a[0].length)
    .map(([phrase, meaning]) => [/^[a-z' ]+$/.test(phrase) ? ` ${phrase} ` : phrase, meaning] as const);
}

/** What the phrases found inside an answer mean; undefined when none is found or they disagree. */
function meaningInside<T>(answer: string, index: PhraseIndex<T>): T | undefined {
  let rest = ` ${answer.replace(/\p{P}/gu, ' ')} `;
  const found = new Set<T>();
  for (const [pattern, meaning] of index) {
    if (rest.includes(pattern)) {
      found.add(meaning);
      rest = rest.replaceAll(pattern, ' ');
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Every way to name a choice option or a slot: its words in both languages and its label. */
function namesOf(words: Phrases | undefined, label: string): Set<string> {
  const names = words ? phraseSet(words) : new Set<string>();
  for (const lng of LOCALES) names.add(normalizeAnswer(t(lng, label)));
  return names;
}

const choiceIndexes = new WeakMap<
  readonly ChoiceOption[],
  { exact: Map<string, string>; inside: PhraseIndex<string> }
>();
function choiceIndex(options: readonly ChoiceOption[]) {
  let index = choiceIndexes.get(options);
  if (!index) {
    const pairs = options.flatMap((o) => [...namesOf(o.synonyms, o.label)].map((name) => [name, o.value] as const));
    index = { exact: new Map(pairs), inside: phraseIndex(pairs) };
    choiceIndexes.set(options, index);
  }
  return index;
}

const slotNames = new WeakMap<SlotDefinition, Set<string>>();
function slotNamesOf(slot: SlotDefinition): Set<string> {
  let names = slotNames.get(slot);
  if (!names) {
    names = namesOf(slot.names, slot.label);
    slotNames.set(slot, names);
  }
  return names;
}

/** Recognises the commands in `commands` (each matched as the whole message): a command's name, or undefined. */
export function createCommandRecognizer<Name extends string>(
  commands: Readonly<Record<Name, Phrases>>,
): (text: string) => Name | undefined {
  const words = (Object.entries(commands) as [Name, Phrases][]).map(
    ([name, phrases]) => [name, phraseSet(phrases)] as const,
  );
  return (text) => {
    if (normalizeAnswer(text) === '' && text.normalize('NFKC').trim() === '') return undefined;
    return words.find(([, phrases]) => matches(phrases, text))?.[0];
  };
}

/** Picks an option by its number (1-based), or its label or a synonym in either language, as the whole answer. */
export function exactChoice(options: readonly ChoiceOption[], text: string): string | undefined {
  const answer = normalizeAnswer(text);
  const index = Number.parseInt(answer, 10);
  if (/^\d+$/.test(answer) && index >= 1 && index <= options.length) return options[index - 1]?.value;
  return choiceIndex(options).exact.get(answer);
}

/** "坏了开不了机": a synonym inside a longer answer, when it points to one option only. */
function choiceInside(options: readonly ChoiceOption[], text: string): string | undefined {
  return meaningInside(normalizeAnswer(text), choiceIndex(options).inside);
}

/** Picks an option by number, label or synonym: the whole answer, else a synonym inside it. */
export function parseChoice(options: readonly ChoiceOption[], text: string): string | undefined {
  return exactChoice(options, text) ?? choiceInside(options, text);
}

/** Reads answers with one form's words; built once per form, since its word lists are static. */
export class AnswerReader {
  private readonly yesWords: Set<string>;
  private readonly noWords: Set<string>;
  private readonly skipWords: Set<string>;
  private readonly keepWords: Set<string>;
  private readonly yesNoIndex: PhraseIndex<boolean>;
  private readonly editPrefixes: readonly string[];

  constructor(
    vocabulary: FormVocabulary,
    private readonly understandChoice?: UnderstandChoice,
  ) {
    this.yesWords = phraseSet(vocabulary.yes);
    this.noWords = phraseSet(vocabulary.no);
    this.skipWords = phraseSet(vocabulary.skip);
    this.keepWords = phraseSet(vocabulary.keep);
    this.yesNoIndex = phraseIndex([
      ...[...this.yesWords].map((p) => [p, true] as const),
      ...[...this.noWords].map((p) => [p, false] as const),
    ]);
    this.editPrefixes = vocabulary.editPrefixes.map(normalizeAnswer);
  }

  /**
   * The option an answer picks: by number, label or synonym; otherwise, in the merchant's
   * language, by what the words mean.
   */
  chooseOption(slot: ChoiceSlot, text: string, locale?: Locale): string | undefined {
    // What the whole sentence means outweighs one of its words ("we move to other city" is a relocation).
    return (
      exactChoice(slot.options, text) ??
      (locale && this.understandChoice?.(slot, text, locale)) ??
      choiceInside(slot.options, text)
    );
  }

  /** The whole message is just a yes or a no word ("好的", "ok", "不"). */
  isBareYesNo(text: string): boolean {
    return matches(this.yesWords, text) || matches(this.noWords, text);
  }

  parseYesNo(text: string): boolean | undefined {
    if (matches(this.yesWords, text)) return true;
    if (matches(this.noWords, text)) return false;
    return meaningInside(normalizeAnswer(text), this.yesNoIndex);
  }

  /** "不用改", "keep it": the whole message keeps an answer as it is. */
  isKeep(text: string): boolean {
    return matches(this.keepWords, text);
  }

  /**
   * "其他原因，跟总部取消合作了": the answer starts with the option's name; what follows it (if
   * anything) is returned, "" when nothing does. Undefined when the answer does not start so.
   */
  afterOptionName(slot: ChoiceSlot, value: string, text: string): string | undefined {
    const option = slot.options.find((o) => o.value === value);
    if (!option) return undefined;
    const answer = text.normalize('NFKC').trim();
    const name = [...namesOf(option.synonyms, option.label)]
      .sort((a, b) => b.length - a.length)
      .find((n) => answer.toLowerCase().startsWith(n) && !/^[a-z]/i.test(answer.slice(n.length)));
    if (name === undefined) return undefined;
    const rest = answer.slice(name.length).replace(/^[\s\p{P}]+|[\s]+$/gu, '');
    return [...rest].length >= 2 ? rest : '';
  }

  /** "跳过", "没有邮箱", "no email": a skip word in a message that holds no value. */
  isSkip(text: string): boolean {
    if (matches(this.skipWords, text)) return true;
    const answer = normalizeAnswer(text);
    if (/[@\d]|:\/\//.test(answer)) return false;
    const words = ` ${answer.replace(/[^\p{L}\p{N}/]+/gu, ' ')} `;
    return [...this.skipWords].some((w) =>
      /^[a-z/ ]+$/.test(w) ? words.includes(` ${w} `) : [...w].length >= 2 && answer.includes(w),
    );
  }

  /**
   * Finds the slot a merchant names when editing from the summary: by its number in the
   * summary list, its label, or one of its names ("改电话", "change phone").
   */
  findSlotByName(slots: readonly SlotDefinition[], text: string): SlotDefinition | undefined {
    let answer = normalizeAnswer(text);
    const prefix = this.editPrefixes.find((p) => answer.startsWith(p));
    if (prefix) answer = answer.slice(prefix.length).trim();
    const index = Number.parseInt(answer, 10);
    if (/^\d+$/.test(answer)) return index >= 1 && index <= slots.length ? slots[index - 1] : undefined;
    return slots.find((slot) => slotNamesOf(slot).has(answer));
  }
}
