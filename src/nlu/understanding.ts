/**
 * The language-understanding pipeline: detect the language, find entities, replace them with
 * placeholders (‹phone›, ‹sn›…), normalise, tokenise (with typo correction against the training
 * words), classify with that language's classifier. Both classifiers are trained from
 * dialogs/nlu when this is created (well under a second, see dialogs/nlu/TOKENIZER.md).
 */
import { type EvaluationSet, loadPhrases, NLU_DATA_DIR } from './data.ts';
import { createEntityExtractor, type LocatedEntity } from './entities.ts';
import {
  type ClassifierKind,
  type IntentClassifier,
  type IntentScore,
  trainIntentClassifier,
} from './intent-classifier.ts';
import { detectLocale } from './locale.ts';
import { createTextTokenizer, type HanSegmenter } from './tokenizers.ts';
import {
  INTENT_NAMES,
  type LanguageUnderstanding,
  type Locale,
  NLU_LOCALES,
  type ParsedUtterance,
  type PhraseSet,
} from './types.ts';

/**
 * Softmax temperature per language, chosen by cross-validation (lowest log-loss, see
 * bench/nlu/calibrate.ts). Chinese needs more: its unigrams and bigrams overlap, so they double-count.
 */
export const DEFAULT_TEMPERATURES: Record<Locale, number> = { 'zh-CN': 2, 'en-US': 1 };

/**
 * Below this confidence the caller should ask a clarifying question instead of acting. Chosen by
 * cross-validation on the training phrases (bench/nlu/calibrate.ts): below it, fewer than about half of the
 * predictions are right. The share of evaluation messages under it is in dialogs/nlu/TOKENIZER.md.
 */
export const CLARIFY_BELOW = 0.6;

/**
 * Share of the messages of each held-out evaluation set whose confidence is below CLARIFY_BELOW,
 * as measured by bench/nlu/evaluate.ts (a test keeps this in step with the data).
 */
export const MEASURED_CLARIFY_SHARE: Record<EvaluationSet, Record<Locale, number>> = {
  evaluation: { 'zh-CN': 6 / 216, 'en-US': 7 / 216 },
  'evaluation-voices': { 'zh-CN': 14 / 263, 'en-US': 14 / 262 },
};

export interface UnderstandingOptions {
  /** Where the phrase files are (default dialogs/nlu). */
  dataDir?: string;
  classifier?: ClassifierKind;
  /** Cuts Chinese runs; default character unigrams + bigrams. */
  segmentHan?: HanSegmenter;
  temperatures?: Partial<Record<Locale, number>>;
  smoothing?: number;
  /** Phrases to train on instead of the files (cross-validation). */
  training?: Partial<Record<Locale, PhraseSet>>;
}

export interface TrainedLanguageUnderstanding extends LanguageUnderstanding {
  /** Every intent ranked for `text` by the classifier of `locale` (evaluation, debugging). */
  rank(text: string, locale: Locale): IntentScore[];
  /** Milliseconds spent reading the phrases and training both classifiers. */
  readonly trainingMs: number;
}

/** Entities other than the reason become a placeholder token of their type. */
function maskEntities(text: string, entities: LocatedEntity[]): string {
  let masked = '';
  let at = 0;
  for (const entity of entities) {
    if (entity.type === 'reason') continue;
    masked += `${text.slice(at, entity.start)} ‹${entity.type.toLowerCase()}› `;
    at = entity.end;
  }
  return masked + text.slice(at);
}

export function createLanguageUnderstanding(options: UnderstandingOptions = {}): TrainedLanguageUnderstanding {
  const { dataDir = NLU_DATA_DIR, classifier: kind, segmentHan, smoothing } = options;
  const temperatures = { ...DEFAULT_TEMPERATURES, ...options.temperatures };
  const entities = createEntityExtractor();

  const started = performance.now();
  const training = new Map(
    NLU_LOCALES.map((locale) => [locale, options.training?.[locale] ?? loadPhrases(locale, 'training', dataDir)]),
  );
  const allPhrases = [...training.values()].flatMap((phrases) => INTENT_NAMES.flatMap((intent) => phrases[intent]));
  const tokenize = createTextTokenizer(allPhrases, segmentHan);
  const toTokens = (text: string, located = entities.locate(text)) => tokenize(maskEntities(text, located));
  const classifiers = new Map<Locale, IntentClassifier>();
  for (const [locale, phrases] of training) {
    const examples = INTENT_NAMES.flatMap((intent) =>
      phrases[intent].map((text) => ({ label: intent, tokens: toTokens(text) })),
    );
    classifiers.set(locale, trainIntentClassifier(examples, { kind, smoothing, temperature: temperatures[locale] }));
  }
  const trainingMs = performance.now() - started;

  function classifierFor(locale: Locale): IntentClassifier {
    const classifier = classifiers.get(locale);
    if (!classifier) throw new Error(`no intent classifier for ${locale}`);
    return classifier;
  }

  return {
    trainingMs,
    rank: (text, locale) => classifierFor(locale).rank(toTokens(text)),
    parse(text: string, hint?: Locale): ParsedUtterance {
      const locale = detectLocale(text, hint);
      const located = entities.locate(text);
      const [best] = classifierFor(locale).rank(toTokens(text, located));
      return {
        intent: { name: best?.name ?? 'other', confidence: Math.round((best?.confidence ?? 0) * 1e4) / 1e4 },
        entities: located.map(({ type, value, text: written }) => ({ type, value, text: written })),
        locale,
      };
    },
  };
}
