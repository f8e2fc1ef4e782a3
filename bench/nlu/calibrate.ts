/**
 * Cross-validation on the training phrases only (the evaluation phrases stay unseen), used to
 * choose the Bayes smoothing, the softmax temperature per language and CLARIFY_BELOW.
 * `npx tsx bench/nlu/calibrate.ts` prints, per language: k-fold accuracy, log-loss and expected
 * calibration error for each temperature, and how accuracy falls with confidence.
 */
import { pathToFileURL } from 'node:url';
import { loadPhrases } from '../../src/nlu/data.ts';
import type { IntentScore } from '../../src/nlu/intent-classifier.ts';
import { INTENT_NAMES, type IntentName, type Locale, NLU_LOCALES, type PhraseSet } from '../../src/nlu/types.ts';
import {
  CLARIFY_BELOW,
  createLanguageUnderstanding,
  DEFAULT_TEMPERATURES,
  type UnderstandingOptions,
} from '../../src/nlu/understanding.ts';

export interface HeldOutPrediction {
  expected: IntentName;
  /** The ranking at temperature 1 (raw posterior). */
  ranking: IntentScore[];
}

/** Each training phrase classified by a model trained on the other k−1 folds. */
export function crossValidate(locale: Locale, folds = 5, options: UnderstandingOptions = {}): HeldOutPrediction[] {
  const phrases = loadPhrases(locale, 'training', options.dataDir);
  const predictions: HeldOutPrediction[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const rest = Object.fromEntries(
      INTENT_NAMES.map((name) => [name, phrases[name].filter((_, i) => i % folds !== fold)]),
    ) as PhraseSet;
    const nlu = createLanguageUnderstanding({
      ...options,
      temperatures: { [locale]: 1 },
      training: { ...options.training, [locale]: rest },
    });
    for (const expected of INTENT_NAMES) {
      phrases[expected].forEach((text, i) => {
        if (i % folds === fold) predictions.push({ expected, ranking: nlu.rank(text, locale) });
      });
    }
  }
  return predictions;
}

/** Re-tempers a temperature-1 ranking: confidence ∝ confidence₁^(1/T). */
export function temper(ranking: IntentScore[], temperature: number): IntentScore[] {
  const logs = ranking.map(({ confidence }) => Math.log(Math.max(confidence, Number.MIN_VALUE)) / temperature);
  const max = Math.max(...logs);
  const weights = logs.map((log) => Math.exp(log - max));
  const total = weights.reduce((sum, w) => sum + w, 0);
  return ranking.map(({ name }, i) => ({ name, confidence: (weights[i] ?? 0) / total }));
}

export interface CalibrationReport {
  accuracy: number;
  /** Mean negative log-likelihood of the right intent, and expected calibration error (10 bins). */
  byTemperature: { temperature: number; logLoss: number; calibrationError: number }[];
  /** For confidence bands at the chosen temperature: share of messages and their accuracy. */
  bands: { from: number; to: number; share: number; accuracy: number }[];
  /** Below `threshold` at the chosen temperature: share of messages and their accuracy. */
  below: { threshold: number; share: number; accuracy: number };
}

export function calibrationReport(
  predictions: HeldOutPrediction[],
  temperatures: number[],
  chosen: number,
  threshold = CLARIFY_BELOW,
): CalibrationReport {
  const n = predictions.length;
  const top = (ranking: IntentScore[]) => ranking.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  const accuracy = predictions.filter((p) => top(p.ranking).name === p.expected).length / n;
  const byTemperature = temperatures.map((temperature) => {
    let logLoss = 0;
    const bins = Array.from({ length: 10 }, () => ({ confidence: 0, right: 0 }));
    for (const { expected, ranking } of predictions) {
      const tempered = temper(ranking, temperature);
      logLoss -= Math.log(Math.max(1e-9, tempered.find((s) => s.name === expected)?.confidence ?? 0));
      const best = top(tempered);
      const bin = bins[Math.min(9, Math.floor(best.confidence * 10))];
      if (bin) {
        bin.confidence += best.confidence;
        bin.right += best.name === expected ? 1 : 0;
      }
    }
    const calibrationError = bins.reduce((sum, b) => sum + Math.abs(b.confidence - b.right), 0) / n;
    return { temperature, logLoss: logLoss / n, calibrationError };
  });
  const edges = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const bands = edges.slice(0, -1).map((from, i) => {
    const to = edges[i + 1] ?? 1;
    const inBand = predictions
      .map((p) => ({ expected: p.expected, best: top(temper(p.ranking, chosen)) }))
      .filter(({ best }) => best.confidence >= from && best.confidence < to);
    const right = inBand.filter(({ expected, best }) => best.name === expected).length;
    return { from, to: Math.min(to, 1), share: inBand.length / n, accuracy: inBand.length ? right / inBand.length : 0 };
  });
  const unsure = predictions
    .map((p) => ({ expected: p.expected, best: top(temper(p.ranking, chosen)) }))
    .filter(({ best }) => best.confidence < threshold);
  const unsureRight = unsure.filter(({ expected, best }) => best.name === expected).length;
  const below = { threshold, share: unsure.length / n, accuracy: unsure.length ? unsureRight / unsure.length : 0 };
  return { accuracy, byTemperature, bands, below };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const smoothing = process.argv[2] ? Number(process.argv[2]) : undefined;
  const temperatures = [0.5, 1, 1.5, 2, 3, 4];
  for (const locale of NLU_LOCALES) {
    const chosen = DEFAULT_TEMPERATURES[locale];
    const report = calibrationReport(crossValidate(locale, 5, { smoothing }), temperatures, chosen);
    console.log(`${locale}: 5-fold accuracy ${(report.accuracy * 100).toFixed(1)}%`);
    for (const t of report.byTemperature) {
      console.log(
        `  T=${t.temperature}: log-loss ${t.logLoss.toFixed(3)}, calibration error ${t.calibrationError.toFixed(3)}`,
      );
    }
    const { threshold, share, accuracy } = report.below;
    console.log(
      `  at T=${chosen}, below ${threshold}: ${(share * 100).toFixed(1)}% of messages, ${(accuracy * 100).toFixed(0)}% right`,
    );
    for (const b of report.bands) {
      console.log(
        `  confidence ${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${(b.share * 100).toFixed(1)}% of messages, ${(b.accuracy * 100).toFixed(0)}% right`,
      );
    }
  }
}
