/**
 * Choice understanding: which option of a choice question of the unbind form the merchant's
 * own words mean ("店转给别人了" → legal_rep_change, "不是丢了，是坏了" → faulty). The same
 * classifier and tokenizer as the intents (intent-classifier.ts, tokenizers.ts), one per question
 * and language, trained from dialogs/nlu/choices/<question>.training.<locale>.json when this is
 * created (a few milliseconds). Measurements: dialogs/nlu/TOKENIZER.md, "Choice questions".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEVICE_CONDITIONS, REASON_CODES } from '../validation/fields.ts';
import { NLU_DATA_DIR } from './data.ts';
import { type LabelScore, type TextClassifier, trainTextClassifier } from './intent-classifier.ts';
import { detectLocale } from './locale.ts';
import { characterBigrams, createTextTokenizer, negationMarkedBigrams, type Tokenizer } from './tokenizers.ts';
import { type Locale, NLU_LOCALES } from './types.ts';
import { DEFAULT_TEMPERATURES } from './understanding.ts';

/** The options of each choice question, as the form's field rules name them (src/validation/fields.ts). */
export const CHOICE_OPTIONS = {
  reason: REASON_CODES,
  deviceCondition: DEVICE_CONDITIONS,
} as const satisfies Record<string, readonly string[]>;
export type ChoiceQuestion = keyof typeof CHOICE_OPTIONS;
export const CHOICE_QUESTIONS = Object.keys(CHOICE_OPTIONS) as ChoiceQuestion[];

/** Where the phrases are: <question>.<kind>.<locale>.json. */
export const CHOICE_DATA_DIR = path.join(NLU_DATA_DIR, 'choices');
export type ChoicePhraseKind = 'training' | 'evaluation';
/** Option → phrases, for one question and language. */
export type ChoicePhrases = Record<string, string[]>;

export interface ChoiceGuess {
  value: string;
  confidence: number;
}

export interface ChoiceUnderstanding {
  /** The option of choice question `question` ('reason' | 'deviceCondition') that `text` means,
   *  or undefined when the question is unknown. Confidence in [0, 1]. */
  classify(question: string, text: string, locale: Locale): ChoiceGuess | undefined;
  readonly questions: readonly string[];
}

/**
 * At or above this confidence the option is taken; below it the merchant's words are treated as
 * unclear. Chosen by measurement: 5-fold cross-validation on the training phrases of both
 * questions and languages (`npx tsx bench/nlu/choices.ts`); the lowest threshold, in steps of
 * 0.05, at which at least 90 % of the answers taken are right (a test keeps this true).
 */
export const CHOICE_CONFIDENT_AT = 0.65;

export interface ChoiceUnderstandingOptions {
  /** Where the phrase files are (default dialogs/nlu/choices). */
  dataDir?: string;
  /** Phrases to train on instead of the files (cross-validation). */
  training?: Partial<Record<ChoiceQuestion, Partial<Record<Locale, ChoicePhrases>>>>;
  /** Mark negated words (¬坏, ¬broken); default true, chosen by cross-validation. */
  markNegation?: boolean;
}

function isChoiceQuestion(question: string): question is ChoiceQuestion {
  return Object.hasOwn(CHOICE_OPTIONS, question);
}

function phrasesSchema(question: ChoiceQuestion) {
  return z.record(z.enum(CHOICE_OPTIONS[question]), z.array(z.string().trim().min(1).max(500)).min(1));
}

export function loadChoicePhrases(
  question: ChoiceQuestion,
  kind: ChoicePhraseKind,
  locale: Locale,
  dir = CHOICE_DATA_DIR,
): ChoicePhrases {
  const file = path.join(dir, `${question}.${kind}.${locale}.json`);
  return phrasesSchema(question).parse(JSON.parse(readFileSync(file, 'utf8')));
}

interface TrainedChoice {
  tokenize: Tokenizer;
  classifier: TextClassifier<string>;
}

function trainChoice(
  question: ChoiceQuestion,
  locale: Locale,
  phrases: ChoicePhrases,
  markNegation: boolean,
): TrainedChoice {
  const options: readonly string[] = CHOICE_OPTIONS[question];
  const tokenize = createTextTokenizer(
    options.flatMap((option) => phrases[option] ?? []),
    markNegation ? negationMarkedBigrams : characterBigrams,
    { markEnglishNegation: markNegation },
  );
  const examples = options.flatMap((option) =>
    (phrases[option] ?? []).map((text) => ({ label: option, tokens: tokenize(text) })),
  );
  // With no token at all, the first option at confidence 0: below any threshold, so never taken.
  const classifier = trainTextClassifier(options, options[0] ?? '', examples, {
    temperature: DEFAULT_TEMPERATURES[locale],
  });
  return { tokenize, classifier };
}

export interface TrainedChoiceUnderstanding extends ChoiceUnderstanding {
  /** Every option of `question` ranked for `text` in `locale` (evaluation, cross-validation). */
  rank(question: ChoiceQuestion, text: string, locale: Locale): LabelScore<string>[];
}

export function createChoiceUnderstanding(options: ChoiceUnderstandingOptions = {}): TrainedChoiceUnderstanding {
  const { dataDir = CHOICE_DATA_DIR, markNegation = true } = options;
  const trained = new Map<string, TrainedChoice>();
  const key = (question: ChoiceQuestion, locale: Locale) => `${question}|${locale}`;
  for (const question of CHOICE_QUESTIONS) {
    for (const locale of NLU_LOCALES) {
      const phrases =
        options.training?.[question]?.[locale] ?? loadChoicePhrases(question, 'training', locale, dataDir);
      trained.set(key(question, locale), trainChoice(question, locale, phrases, markNegation));
    }
  }

  function rank(question: ChoiceQuestion, text: string, locale: Locale): LabelScore<string>[] {
    const choice = trained.get(key(question, locale));
    if (!choice) throw new Error(`no choice classifier for ${question} in ${locale}`);
    return choice.classifier.rank(choice.tokenize(text));
  }

  return {
    questions: CHOICE_QUESTIONS,
    rank,
    classify(question, text, hint) {
      if (!isChoiceQuestion(question)) return undefined;
      // The words' own language decides which classifier reads them ("换了台新的" in an English chat).
      const [best] = rank(question, text, detectLocale(text, hint));
      if (!best) return undefined;
      return { value: best.name, confidence: Math.round(best.confidence * 1e4) / 1e4 };
    },
  };
}
