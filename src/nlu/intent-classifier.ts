/**
 * Intent classification with natural's BayesClassifier or LogisticRegressionClassifier over
 * tokens from tokenizers.ts, with a confidence in [0, 1] for every intent.
 *
 * Bayes: natural returns prior × Π p(token | intent), which underflows to 0 for long messages, so
 * tokens are scored in chunks and the logs added (exact: naive Bayes is a sum of logs). The
 * posterior is then tempered (softmax of log-scores / temperature) because overlapping unigrams
 * and bigrams are far from independent and the raw posterior is overconfident.
 * Logistic regression: natural gives one sigmoid per intent (one-vs-rest), normalised here.
 *
 * The same classifier serves any closed set of labels: intents here, the options of a choice
 * question in choices.ts.
 */
import { BayesClassifier, LogisticRegressionClassifier } from './natural.ts';
import { INTENT_NAMES, type IntentName } from './types.ts';

export type ClassifierKind = 'bayes' | 'logistic';

export interface LabelledExample<Label extends string> {
  label: Label;
  tokens: string[];
}
export type TrainingExample = LabelledExample<IntentName>;

export interface LabelScore<Label extends string> {
  name: Label;
  confidence: number;
}
export type IntentScore = LabelScore<IntentName>;

/** Ranks the labels for a tokenised message. */
export interface TextClassifier<Label extends string> {
  /** Every label, most likely first; confidences add up to 1, or are all 0 (the fallback first) for no tokens. */
  rank(tokens: string[]): LabelScore<Label>[];
}
export type IntentClassifier = TextClassifier<IntentName>;

export interface ClassifierOptions {
  kind?: ClassifierKind;
  /** Bayes: divides log-scores before the softmax; 1 keeps the raw posterior. */
  temperature?: number;
  /** Bayes: the count natural gives a token never seen with an intent (natural's default is 1). */
  smoothing?: number;
}

/** Chosen by cross-validation on the training phrases (`npx tsx bench/nlu/calibrate.ts`). */
export const DEFAULT_SMOOTHING = 0.1;
/** Tokens scored per call to natural, far below where its product underflows. */
const CHUNK = 60;

/**
 * Unfamiliar words are evidence too: off-topic messages are made of words the training phrases
 * rarely use. A token found in at most one training phrase is unfamiliar; markers for the share
 * of unfamiliar tokens (any, a third, two thirds) join the message's tokens, in training and after.
 */
const UNFAMILIAR_MARKERS: [share: number, marker: string][] = [
  [Number.MIN_VALUE, '‹unfamiliar›'],
  [1 / 3, '‹unfamiliar-third›'],
  [2 / 3, '‹unfamiliar-most›'],
];

function markUnfamiliar(examples: { tokens: string[] }[]): (tokens: string[]) => string[] {
  const phrasesWith = new Map<string, number>();
  for (const { tokens } of examples) {
    for (const token of new Set(tokens)) phrasesWith.set(token, (phrasesWith.get(token) ?? 0) + 1);
  }
  return (tokens) => {
    const unique = [...new Set(tokens)];
    if (unique.length === 0) return unique;
    const share = unique.filter((token) => (phrasesWith.get(token) ?? 0) <= 1).length / unique.length;
    return [...unique, ...UNFAMILIAR_MARKERS.filter(([from]) => share >= from).map(([, marker]) => marker)];
  };
}

function byConfidence(a: { confidence: number }, b: { confidence: number }): number {
  return b.confidence - a.confidence;
}

function softmax<Label extends string>(logScores: Map<Label, number>, temperature: number): LabelScore<Label>[] {
  const max = Math.max(...logScores.values());
  const weights = [...logScores].map(([name, score]) => ({ name, weight: Math.exp((score - max) / temperature) }));
  const total = weights.reduce((sum, { weight }) => sum + weight, 0);
  return weights.map(({ name, weight }) => ({ name, confidence: weight / total })).sort(byConfidence);
}

/** The labels a classifier chooses among; `fallback` comes first, with every other at 0, when a message has no token. */
interface LabelSet<Label extends string> {
  labels: readonly Label[];
  fallback: Label;
}

function nothingToGoOn<Label extends string>({ labels, fallback }: LabelSet<Label>): LabelScore<Label>[] {
  return [fallback, ...labels.filter((name) => name !== fallback)].map((name) => ({ name, confidence: 0 }));
}

function trainBayes<Label extends string>(
  set: LabelSet<Label>,
  examples: LabelledExample<Label>[],
  temperature: number,
  smoothing: number,
): TextClassifier<Label> {
  const isLabel = (label: string): label is Label => (set.labels as readonly string[]).includes(label);
  const nothing = nothingToGoOn(set);
  const bayes = new BayesClassifier(undefined, smoothing);
  const withMarkers = markUnfamiliar(examples);
  for (const { label, tokens } of examples) bayes.addDocument(withMarkers(tokens), label);

  // natural turns a token list into a 0/1 vector over every known token by testing each known
  // token against the list (thousands × each phrase: most of the training time). The same vector
  // comes from an index of the tokens, in natural's own order; its Bayes model also scores a
  // sparse observation (position → token index), which is what rank() passes.
  const featureIndex = new Map<string, number>();
  for (const feature in bayes.features) featureIndex.set(feature, featureIndex.size);
  bayes.textToFeatures = (observation) => {
    const vector = new Array<number>(featureIndex.size).fill(0);
    for (const token of observation) {
      const index = featureIndex.get(token);
      if (index !== undefined) vector[index] = 1;
    }
    return vector;
  };
  bayes.train();
  const logPrior = new Map<Label, number>();
  for (const { label, value } of bayes.getClassifications([])) {
    if (isLabel(label)) logPrior.set(label, Math.log(value));
  }

  return {
    rank(tokens) {
      if (tokens.length === 0) return nothing;
      const indices = withMarkers(tokens).flatMap((token) => featureIndex.get(token) ?? []);
      const logScores = new Map(logPrior);
      for (let at = 0; at < indices.length; at += CHUNK) {
        const sparse = Object.fromEntries(indices.slice(at, at + CHUNK).map((index, position) => [position, index]));
        for (const { label, value } of bayes.classifier.getClassifications(sparse)) {
          const prior = isLabel(label) ? logPrior.get(label) : undefined;
          if (isLabel(label) && prior !== undefined)
            logScores.set(label, (logScores.get(label) ?? 0) + Math.log(value) - prior);
        }
      }
      return softmax(logScores, temperature);
    },
  };
}

function trainLogistic<Label extends string>(
  set: LabelSet<Label>,
  examples: LabelledExample<Label>[],
): TextClassifier<Label> {
  const isLabel = (label: string): label is Label => (set.labels as readonly string[]).includes(label);
  const nothing = nothingToGoOn(set);
  const logistic = new LogisticRegressionClassifier();
  for (const { label, tokens } of examples) logistic.addDocument(tokens, label);
  logistic.train();
  return {
    rank(tokens) {
      if (tokens.length === 0) return nothing;
      const scores = logistic.getClassifications([...new Set(tokens)]);
      const total = scores.reduce((sum, { value }) => sum + value, 0) || 1;
      return scores
        .flatMap(({ label, value }) => (isLabel(label) ? [{ name: label, confidence: value / total }] : []))
        .sort(byConfidence);
    },
  };
}

/** A classifier over `labels` (`fallback` first when a message has no token at all). */
export function trainTextClassifier<Label extends string>(
  labels: readonly Label[],
  fallback: Label,
  examples: LabelledExample<Label>[],
  options: ClassifierOptions = {},
): TextClassifier<Label> {
  const { kind = 'bayes', temperature = 1, smoothing = DEFAULT_SMOOTHING } = options;
  const set = { labels, fallback };
  return kind === 'bayes' ? trainBayes(set, examples, temperature, smoothing) : trainLogistic(set, examples);
}

export function trainIntentClassifier(examples: TrainingExample[], options: ClassifierOptions = {}): IntentClassifier {
  return trainTextClassifier(INTENT_NAMES, 'other', examples, options);
}
