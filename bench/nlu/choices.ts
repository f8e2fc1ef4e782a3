/**
 * Choice understanding, measured: accuracy on the held-out phrases of each choice question and
 * language (dialogs/nlu/choices/*.evaluation.*.json, never trained on), how many answers are taken
 * at CHOICE_CONFIDENT_AT and how many of those are right, classify timing, and a 5-fold
 * cross-validation on the training phrases with a threshold sweep (how CHOICE_CONFIDENT_AT was
 * chosen). `npx tsx bench/nlu/choices.ts` prints it all; the benchmark and a test use it.
 */
import { pathToFileURL } from 'node:url';
import {
  CHOICE_CONFIDENT_AT,
  CHOICE_OPTIONS,
  CHOICE_QUESTIONS,
  type ChoicePhrases,
  type ChoiceQuestion,
  createChoiceUnderstanding,
  loadChoicePhrases,
} from '../../src/nlu/choices.ts';
import { type Locale, NLU_LOCALES } from '../../src/nlu/types.ts';

export interface ChoiceMiss {
  text: string;
  expected: string;
  got: string;
  confidence: number;
}

export interface ChoiceResult {
  question: ChoiceQuestion;
  locale: Locale;
  correct: number;
  total: number;
  accuracy: number;
  /** Share of messages at or above the threshold (the option is taken). */
  takenShare: number;
  /** Accuracy of the messages taken. */
  takenAccuracy: number;
  misses: ChoiceMiss[];
}

export interface ChoiceEvaluation {
  results: ChoiceResult[];
  trainMs: number;
  /** One classify() call, µs: every evaluation message 5 times after a warm-up pass. */
  classifyUs: { p50: number; p99: number };
}

interface Prediction {
  expected: string;
  got: string;
  confidence: number;
  text: string;
}

function summarise(question: ChoiceQuestion, locale: Locale, predictions: Prediction[], at: number): ChoiceResult {
  const correct = predictions.filter((p) => p.got === p.expected).length;
  const taken = predictions.filter((p) => p.confidence >= at);
  const takenRight = taken.filter((p) => p.got === p.expected).length;
  return {
    question,
    locale,
    correct,
    total: predictions.length,
    accuracy: correct / predictions.length,
    takenShare: taken.length / predictions.length,
    takenAccuracy: taken.length === 0 ? 0 : takenRight / taken.length,
    misses: predictions
      .filter((p) => p.got !== p.expected)
      .map(({ text, expected, got, confidence }) => ({ text, expected, got, confidence })),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export function evaluateChoices(confidentAt = CHOICE_CONFIDENT_AT): ChoiceEvaluation {
  const started = performance.now();
  const choices = createChoiceUnderstanding();
  const trainMs = performance.now() - started;
  const results: ChoiceResult[] = [];
  const timings: number[] = [];
  for (const question of CHOICE_QUESTIONS) {
    for (const locale of NLU_LOCALES) {
      const phrases = loadChoicePhrases(question, 'evaluation', locale);
      const predictions: Prediction[] = [];
      for (const expected of CHOICE_OPTIONS[question]) {
        for (const text of phrases[expected] ?? []) {
          const guess = choices.classify(question, text, locale);
          predictions.push({ expected, text, got: guess?.value ?? '', confidence: guess?.confidence ?? 0 });
        }
      }
      results.push(summarise(question, locale, predictions, confidentAt));
      for (let round = 0; round <= 5; round++) {
        for (const { text } of predictions) {
          const at = performance.now();
          choices.classify(question, text, locale);
          if (round > 0) timings.push((performance.now() - at) * 1000);
        }
      }
    }
  }
  timings.sort((a, b) => a - b);
  return { results, trainMs, classifyUs: { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99) } };
}

/** Each training phrase classified by a model trained on the other folds. */
export function crossValidateChoices(
  question: ChoiceQuestion,
  locale: Locale,
  folds = 5,
  markNegation = true,
): Prediction[] {
  const phrases = loadChoicePhrases(question, 'training', locale);
  const predictions: Prediction[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const rest: ChoicePhrases = Object.fromEntries(
      Object.entries(phrases).map(([option, texts]) => [option, texts.filter((_, i) => i % folds !== fold)]),
    );
    const choices = createChoiceUnderstanding({ training: { [question]: { [locale]: rest } }, markNegation });
    for (const [expected, texts] of Object.entries(phrases)) {
      texts.forEach((text, i) => {
        if (i % folds !== fold) return;
        const [best] = choices.rank(question, text, locale);
        predictions.push({ expected, text, got: best?.name ?? '', confidence: best?.confidence ?? 0 });
      });
    }
  }
  return predictions;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const thresholds = [0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  console.log('5-fold cross-validation on the training phrases: share taken / accuracy of those taken');
  console.log(`| question | locale | accuracy | ${thresholds.map((t) => `≥ ${t}`).join(' | ')} |`);
  for (const question of CHOICE_QUESTIONS) {
    for (const locale of NLU_LOCALES) {
      const predictions = crossValidateChoices(question, locale, 5, !process.argv.includes('--no-negation'));
      const cells = thresholds.map((t) => {
        const r = summarise(question, locale, predictions, t);
        return `${percent(r.takenShare)} / ${percent(r.takenAccuracy)}`;
      });
      console.log(
        `| ${question} | ${locale} | ${percent(summarise(question, locale, predictions, 0).accuracy)} | ${cells.join(' | ')} |`,
      );
    }
  }
  const evaluation = evaluateChoices();
  console.log(`\nHeld-out evaluation (taken at ≥ ${CHOICE_CONFIDENT_AT}):`);
  console.log('| question | locale | accuracy | taken | right among taken |');
  for (const r of evaluation.results) {
    console.log(
      `| ${r.question} | ${r.locale} | ${percent(r.accuracy)} (${r.correct}/${r.total}) | ${percent(r.takenShare)} | ${percent(r.takenAccuracy)} |`,
    );
  }
  console.log(
    `\ntraining (4 classifiers): ${evaluation.trainMs.toFixed(0)} ms; classify p50 ${evaluation.classifyUs.p50.toFixed(0)} µs, p99 ${evaluation.classifyUs.p99.toFixed(0)} µs`,
  );
  for (const r of evaluation.results) {
    for (const m of r.misses)
      console.log(
        `  miss ${r.question} ${r.locale}: "${m.text}" expected ${m.expected}, got ${m.got} (${m.confidence.toFixed(2)})`,
      );
  }
}
