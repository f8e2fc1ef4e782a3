/**
 * The language-understanding contract (see DESIGN.md, "contract: language understanding"):
 * what `parse()` returns for one utterance.
 */

export const INTENT_NAMES = [
  'unbind',
  'status',
  'human',
  'cancel',
  'help',
  'fees',
  'greeting',
  'goodbye',
  'thanks',
  'restart',
  'other',
  'out_of_scope',
] as const;
export type IntentName = (typeof INTENT_NAMES)[number];

export const NLU_LOCALES = ['zh-CN', 'en-US'] as const;
export type Locale = (typeof NLU_LOCALES)[number];

/** The contract's types, then `ticketId` (UB-…, upper case) and `phoneLast4` (4 digits) for status questions. */
export const ENTITY_TYPES = ['phone', 'email', 'sn', 'merchantNo', 'url', 'reason', 'ticketId', 'phoneLast4'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** One thing found in the message: `text` is the span as written, `value` its normalised form. */
export interface Entity {
  type: EntityType;
  value: string;
  text: string;
}

export interface ParsedUtterance {
  intent: { name: IntentName; confidence: number };
  entities: Entity[];
  /** The language of the text itself; the caller's hint is used only when the text gives no signal. */
  locale: Locale;
}

/** Turns one message into an intent with a confidence in [0, 1], entities and its language. */
export interface LanguageUnderstanding {
  parse(text: string, locale?: Locale): ParsedUtterance;
}

/** Training or evaluation phrases for one language: intent name → phrases. */
export type PhraseSet = Record<IntentName, string[]>;
