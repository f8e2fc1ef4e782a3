/**
 * Intent classification with natural's BayesClassifier or LogisticRegressionClassifier over
 * tokens from tokenizers.ts, and a confidence in [0, 1] for every intent.
 *
 * Bayes: natural returns prior × Π p(token | intent), which underflows to 0 for long messages, so
 * the tokens are scored in chunks and the logs added (exact: naive Bayes is a sum of logs). The
 * posterior is then tempered (softmax of log-scores / temperature): unigrams and bigrams of the same
 * characters are far from independent, so the raw posterior is overconfident. Logistic regression:
 * natural gives one sigmoid per intent (one-vs-rest), normalised here to sum to 1.
 */
import { BayesClassifier, LogisticRegressionClassifier } from './natural.ts';
import { INTENT_NAMES, type IntentName } from './types.ts';

export type ClassifierKind = 'bayes' | 'logistic';

export interface TrainingExample {
  intent: IntentName;
  tokens: string[];
}

export interface IntentScore {
  name: IntentName;
  confidence: number;
}

export interface IntentClassifier {
  /** Every intent, most likely first; confidences add up to 1, or are all 0 (`other` first) when no token is known. */
  rank(tokens: string[]): IntentScore[];
}

export interface ClassifierOptions {
  kind?: ClassifierKind;
  /** Bayes only: divides log-scores before the softmax; 1 is the raw posterior. */
  temperature?: number;
  /** Bayes only: the count given to a token never seen with an intent (natural's default is 1). */
  smoothing?: number;
}

/** Bayes temperature chosen by cross-validation on the training phrases (see evaluate.ts). */
export const DEFAULT_TEMPERATURE = 4;
export const DEFAULT_SMOOTHING = 0.1;
const CHUNK = 60;
const USE_OOV = process.env.NLU_OOV !== '0';

function isIntent(label: string): label is IntentName {
  return (INTENT_NAMES as readonly string[]).includes(label);
}

function softmax(logScores: Map<IntentName, number>, temperature: number): IntentScore[] {
  const max = Math.max(...logScores.values());
  const weights = [...logScores].map(([name, score]) => ({ name, weight: Math.exp((score - max) / temperature) }));
  const total = weights.reduce((sum, { weight }) => sum + weight, 0);
  return weights.map(({ name, weight }) => ({ name, confidence: weight / total })).sort(byConfidence);
}

function byConfidence(a: IntentScore, b: IntentScore): number {
  return b.confidence - a.confidence;
}

/** For a message with no token the classifier has seen: `other`, and nothing is likely. */
const NOTHING_TO_GO_ON: IntentScore[] = [
  { name: 'other', confidence: 0 },
  ...INTENT_NAMES.filter((name) => name !== 'other').map((name) => ({ name, confidence: 0 })),
];

/**
 * Unfamiliar words are evidence too: off-topic messages are made of words the training phrases
 * rarely use. A token seen in at most one training phrase counts as unfamiliar, and markers for
 * the share of unfamiliar tokens (any, a third, two thirds) are added to the message's tokens.
 */
function familiarity(examples: TrainingExample[]) {
  const phrasesWith = new Map<string, number>();
  for (const { tokens } of examples)
    for (const token of new Set(tokens)) phrasesWith.set(token, (phrasesWith.get(token) ?? 0) + 1);
  return (tokens: string[]): string[] => {
    const unique = [...new Set(tokens)];
    if (unique.length === 0) return unique;
    const share = unique.filter((token) => (phrasesWith.get(token) ?? 0) <= 1).length / unique.length;
    const markers = OOV_MARKERS.filter(([threshold]) => share > 0 && share >= threshold).map(([, marker]) => marker);
    return [...unique, ...markers];
  };
}
const OOV_MARKERS: [number, string][] = [
  [0, '‹unfamiliar›'],
  [1 / 3, '‹unfamiliar-third›'],
  [2 / 3, '‹unfamiliar-most›'],
];

function trainBayes(examples: TrainingExample[], temperature: number, smoothing: number): IntentClassifier {
  const bayes = new BayesClassifier(undefined, smoothing);
  const withMarkers = USE_OOV ? familiarity(examples) : (t: string[]) => t;
  for (const { intent, tokens } of examples) bayes.addDocument(withMarkers(tokens), intent);
  bayes.train();
  const logPrior = new Map<IntentName, number>();
  for (const { label, value } of bayes.getClassifications([]))
    if (isIntent(label)) logPrior.set(label, Math.log(value));

  return {
    rank(rawTokens) {
      const tokens = withMarkers(rawTokens);
      const known = [...new Set(tokens)].filter((token) => Object.hasOwn(bayes.features, token));
      if (known.length === 0) return NOTHING_TO_GO_ON;
      const logScores = new Map([...logPrior].map(([name]) => [name, 0]));
      const chunks = Math.ceil(known.length / CHUNK);
      for (let c = 0; c < chunks; c++) {
        for (const { label, value } of bayes.getClassifications(known.slice(c * CHUNK, (c + 1) * CHUNK))) {
          if (isIntent(label)) logScores.set(label, (logScores.get(label) ?? 0) + Math.log(value));
        }
      }
      for (const [name, prior] of logPrior) logScores.set(name, (logScores.get(name) ?? 0) - (chunks - 1) * prior);
      return softmax(logScores, temperature);
    },
  };
}

function trainLogistic(examples: TrainingExample[]): IntentClassifier {
  const logistic = new LogisticRegressionClassifier();
  for (const { intent, tokens } of examples) logistic.addDocument(tokens, intent);
  logistic.train();
  return {
    rank(tokens) {
      if (tokens.length === 0) return NOTHING_TO_GO_ON;
      const scores = logistic.getClassifications([...new Set(tokens)]).filter(({ label }) => isIntent(label));
      const total = scores.reduce((sum, { value }) => sum + value, 0) || 1;
      return scores
        .map(({ label, value }) => ({ name: label as IntentName, confidence: value / total }))
        .sort(byConfidence);
    },
  };
}

export function trainIntentClassifier(examples: TrainingExample[], options: ClassifierOptions = {}): IntentClassifier {
  const { kind = 'bayes', temperature = DEFAULT_TEMPERATURE, smoothing = DEFAULT_SMOOTHING } = options;
  return kind === 'bayes' ? trainBayes(examples, temperature, smoothing) : trainLogistic(examples);
}
