/**
 * Reads the data under dialogs/nlu: phrases per intent and language, entity keywords, the
 * traditional→simplified character map and the locale word list. Each file is checked with zod.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { REASON_CODES } from '../validation/fields.ts';
import { INTENT_NAMES, type Locale, type PhraseSet } from './types.ts';

/** dialogs/nlu, resolved from this file so it works from any working directory. */
export const NLU_DATA_DIR = fileURLToPath(new URL('../../dialogs/nlu/', import.meta.url));

/**
 * `evaluation` is written in the voice of the training phrases; `evaluation-voices` in others
 * (voice-to-text run-ons, homophone typos, dialect, mixed languages, non-native English). Neither
 * is ever trained on.
 */
export const PHRASE_KINDS = ['training', 'evaluation', 'evaluation-voices'] as const;
export type PhraseKind = (typeof PHRASE_KINDS)[number];
export const EVALUATION_SETS = ['evaluation', 'evaluation-voices'] as const satisfies readonly PhraseKind[];
export type EvaluationSet = (typeof EVALUATION_SETS)[number];

/** Reasons that words can name; `other` is free text and never extracted. */
export const EXTRACTED_REASONS = REASON_CODES.filter((code) => code !== 'other');
export type ExtractedReason = (typeof EXTRACTED_REASONS)[number];

const phrases = z.array(z.string().trim().min(1).max(500)).min(1);
const phraseSetSchema = z.record(z.enum(INTENT_NAMES), phrases);

const keywords = z.array(z.string().trim().min(1)).min(1);
const entityKeywordsSchema = z.object({
  merchantNoKeywords: keywords,
  /** Single characters that may stand between the keyword and the number ("商户号是…"). */
  merchantNoSeparators: z.array(z.string().length(1)),
  reasons: z.record(z.enum(EXTRACTED_REASONS), keywords),
  /** Words after which four digits are the end of a phone number ("尾号1234", "last 4 1234"). */
  phoneLast4Keywords: keywords,
});
export type EntityKeywords = z.infer<typeof entityKeywordsSchema>;

const traditionalMapSchema = z.object({ pairs: z.array(z.string()) });
const localeWordsSchema = z.object({
  neutralWords: z.array(z.string().min(1)),
  neutralNames: z.array(z.string().min(1)),
});

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
}

export function loadPhrases(locale: Locale, kind: PhraseKind, dir = NLU_DATA_DIR): PhraseSet {
  return phraseSetSchema.parse(readJson(dir, `${kind}.${locale}.json`));
}

export function loadEntityKeywords(dir = NLU_DATA_DIR): EntityKeywords {
  return entityKeywordsSchema.parse(readJson(dir, 'entities.json'));
}

/** Traditional character → simplified character. */
export function loadTraditionalMap(dir = NLU_DATA_DIR): Map<string, string> {
  const { pairs } = traditionalMapSchema.parse(readJson(dir, 'traditional-simplified.json'));
  const map = new Map<string, string>();
  for (const pair of pairs.join(' ').split(/\s+/).filter(Boolean)) {
    const [from, to, ...rest] = [...pair];
    if (!from || !to || rest.length > 0) throw new Error(`traditional-simplified.json: bad pair "${pair}"`);
    map.set(from, to);
  }
  return map;
}

export interface NeutralWords {
  /** Latin-script words that say nothing about the language (sn, pos, ok…), lower case. */
  words: Set<string>;
  /** Chinese product names English speakers write too (店掌柜). */
  names: string[];
}

export function loadNeutralWords(dir = NLU_DATA_DIR): NeutralWords {
  const { neutralWords, neutralNames } = localeWordsSchema.parse(readJson(dir, 'locale.json'));
  return { words: new Set(neutralWords.map((word) => word.toLowerCase())), names: neutralNames };
}
