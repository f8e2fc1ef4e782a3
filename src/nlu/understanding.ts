/**
 * The language-understanding pipeline: detect the language, find entities, replace them with
 * placeholders (‹phone›, ‹sn›…), normalise, tokenise, classify with that language's classifier.
 * Classifiers are trained from dialogs/nlu at creation (about 0.1 s for both languages).
 */
import { loadPhrases, NLU_DATA_DIR } from './data.ts';
import { createEntityExtractor, type LocatedEntity } from './entities.ts';
import {
  type ClassifierKind,
  type IntentClassifier,
  type IntentScore,
  trainIntentClassifier,
} from './intent-classifier.ts';
import { detectLocale } from './locale.ts';
import { normalize } from './normalize.ts';
import { createTokenizer, type HanSegmenter, type Tokenizer } from './tokenizers.ts';
import {
  INTENT_NAMES,
  type LanguageUnderstanding,
  type Locale,
  NLU_LOCALES,
  type ParsedUtterance,
  type PhraseSet,
} from './types.ts';

export interface UnderstandingOptions {
  /** Where the phrase files are (default dialogs/nlu). */
  dataDir?: string;
  classifier?: ClassifierKind;
  /** Cuts Chinese runs; default character unigrams + bigrams. */
  segmentHan?: HanSegmenter;
  /** Replaces the whole tokeniser (experiments); `segmentHan` is then ignored. */
  tokenizer?: Tokenizer;
  temperature?: number;
  smoothing?: number;
  /** Phrases to train on instead of the files (evaluation uses this for cross-validation). */
  training?: Partial<Record<Locale, PhraseSet>>;
}

export interface TrainedLanguageUnderstanding extends LanguageUnderstanding {
  /** All intents ranked, for evaluation and debugging. */
  rank(text: string, locale: Locale): IntentScore[];
  /** Milliseconds spent training both classifiers. */
  readonly trainingMs: number;
}

/** Entities other than the reason are replaced with a placeholder token of their type. */
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

export function phrasesToExamples(phrases: PhraseSet, toTokens: (text: string) => string[]) {
  return INTENT_NAMES.flatMap((intent) => phrases[intent].map((text) => ({ intent, tokens: toTokens(text) })));
}

export function createLanguageUnderstanding(options: UnderstandingOptions = {}): TrainedLanguageUnderstanding {
  const { dataDir = NLU_DATA_DIR, classifier: kind, segmentHan, temperature, smoothing } = options;
  const entities = createEntityExtractor();
  const tokenize: Tokenizer = options.tokenizer ?? createTokenizer(segmentHan);
  const toTokens = (text: string, located = entities.locate(text)) => tokenize(normalize(maskEntities(text, located)));

  const started = performance.now();
  const classifiers = new Map<Locale, IntentClassifier>();
  for (const locale of NLU_LOCALES) {
    const phrases = options.training?.[locale] ?? loadPhrases(locale, 'training', dataDir);
    classifiers.set(
      locale,
      trainIntentClassifier(phrasesToExamples(phrases, toTokens), { kind, temperature, smoothing }),
    );
  }
  const trainingMs = performance.now() - started;

  function classifierFor(locale: Locale): IntentClassifier {
    const found = classifiers.get(locale);
    if (!found) throw new Error(`no classifier for ${locale}`);
    return found;
  }

  return {
    trainingMs,
    rank: (text, locale) => classifierFor(locale).rank(toTokens(text)),
    parse(text: string, hint?: Locale): ParsedUtterance {
      const locale = detectLocale(text, hint);
      const located = entities.locate(text);
      const [best] = classifierFor(locale).rank(toTokens(text, located));
      return {
        intent: { name: best?.name ?? 'other', confidence: best?.confidence ?? 0 },
        entities: located.map(({ type, value, text: written }) => ({ type, value, text: written })),
        locale,
      };
    },
  };
}
