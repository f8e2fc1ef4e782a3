/**
 * Accuracy on the two held-out evaluation sets (dialogs/nlu/evaluation.*.json in the voice of the
 * training phrases, evaluation-voices.*.json in other voices; neither is trained on), per set,
 * language and intent, with calibration (accuracy of what the bot acts on, share it asks again
 * about), training and per-message timing. Used by the benchmark; `npx tsx bench/nlu/evaluate.ts`
 * prints the tables.
 */
import { pathToFileURL } from 'node:url';
import { EVALUATION_SETS, type EvaluationSet, loadPhrases } from '../../src/nlu/data.ts';
import { INTENT_NAMES, type IntentName, type Locale, NLU_LOCALES } from '../../src/nlu/types.ts';
import { CLARIFY_BELOW, createLanguageUnderstanding, type UnderstandingOptions } from '../../src/nlu/understanding.ts';

export interface Tally {
  correct: number;
  total: number;
  accuracy: number;
}

export interface Miss {
  text: string;
  expected: IntentName;
  got: IntentName;
  confidence: number;
}

export interface LocaleEvaluation extends Tally {
  perIntent: Record<IntentName, Tally>;
  /** Share of messages whose confidence is below CLARIFY_BELOW (the caller would ask again). */
  clarifyShare: number;
  /** Accuracy of the messages at or above CLARIFY_BELOW: those the bot acts on. */
  confidentAccuracy: number;
  /** Share of messages whose detected language is the file's. */
  localeDetected: number;
  misses: Miss[];
}

export interface Evaluation {
  trainMs: number;
  /** Time of a whole parse() (entities, language, intent) per message, in µs: every message of both sets, 5 times, after a warm-up pass. */
  classifyUs: { p50: number; p99: number };
  clarifyBelow: number;
  sets: Record<EvaluationSet, Record<Locale, LocaleEvaluation>>;
}

/** Each evaluation message is timed this many times (after one untimed pass). */
const TIMING_ROUNDS = 5;

function tally(correct: number, total: number): Tally {
  return { correct, total, accuracy: total === 0 ? 0 : correct / total };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export function evaluate(options: UnderstandingOptions = {}, clarifyBelow = CLARIFY_BELOW): Evaluation {
  const nlu = createLanguageUnderstanding(options);
  const sets = {} as Record<EvaluationSet, Record<Locale, LocaleEvaluation>>;
  const timings: number[] = [];

  for (const set of EVALUATION_SETS) {
    const locales = {} as Record<Locale, LocaleEvaluation>;
    for (const locale of NLU_LOCALES) {
      const phrases = loadPhrases(locale, set, options.dataDir);
      const perIntent = {} as Record<IntentName, Tally>;
      const misses: Miss[] = [];
      let detected = 0;
      let unsure = 0;
      let confidentRight = 0;
      for (const expected of INTENT_NAMES) {
        let right = 0;
        for (const text of phrases[expected]) {
          const { intent, locale: found } = nlu.parse(text, locale);
          if (found === locale) detected++;
          if (intent.confidence < clarifyBelow) unsure++;
          if (intent.name === expected) {
            right++;
            if (intent.confidence >= clarifyBelow) confidentRight++;
          } else misses.push({ text, expected, got: intent.name, confidence: intent.confidence });
        }
        perIntent[expected] = tally(right, phrases[expected].length);
      }
      const total = INTENT_NAMES.reduce((sum, name) => sum + perIntent[name].total, 0);
      const correct = INTENT_NAMES.reduce((sum, name) => sum + perIntent[name].correct, 0);
      locales[locale] = {
        ...tally(correct, total),
        perIntent,
        clarifyShare: unsure / total,
        confidentAccuracy: tally(confidentRight, total - unsure).accuracy,
        localeDetected: detected / total,
        misses,
      };

      const texts = INTENT_NAMES.flatMap((name) => phrases[name]);
      for (const text of texts) nlu.parse(text, locale);
      for (let round = 0; round < TIMING_ROUNDS; round++) {
        for (const text of texts) {
          const started = performance.now();
          nlu.parse(text, locale);
          timings.push((performance.now() - started) * 1000);
        }
      }
    }
    sets[set] = locales;
  }
  timings.sort((a, b) => a - b);
  return {
    trainMs: nlu.trainingMs,
    classifyUs: { p50: percentile(timings, 0.5), p99: percentile(timings, 0.99) },
    clarifyBelow,
    sets,
  };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function formatSet(set: EvaluationSet, locales: Record<Locale, LocaleEvaluation>, clarifyBelow: number): string[] {
  const lines = [
    `${set}.*.json`,
    '',
    `| intent | ${NLU_LOCALES.join(' | ')} |`,
    `|---|${NLU_LOCALES.map(() => '---').join('|')}|`,
    ...INTENT_NAMES.map((name) => {
      const cells = NLU_LOCALES.map((locale) => {
        const { correct, total, accuracy } = locales[locale].perIntent[name];
        return `${percent(accuracy)} (${correct}/${total})`;
      });
      return `| ${name} | ${cells.join(' | ')} |`;
    }),
    `| **all** | ${NLU_LOCALES.map((l) => `**${percent(locales[l].accuracy)}** (${locales[l].correct}/${locales[l].total})`).join(' | ')} |`,
    `| below ${clarifyBelow} (would ask again) | ${NLU_LOCALES.map((l) => percent(locales[l].clarifyShare)).join(' | ')} |`,
    `| accuracy at or above ${clarifyBelow} (acted on) | ${NLU_LOCALES.map((l) => percent(locales[l].confidentAccuracy)).join(' | ')} |`,
    `| language detected | ${NLU_LOCALES.map((l) => percent(locales[l].localeDetected)).join(' | ')} |`,
    '',
  ];
  for (const locale of NLU_LOCALES) {
    for (const miss of locales[locale].misses) {
      lines.push(
        `  miss ${locale}: "${miss.text}" expected ${miss.expected}, got ${miss.got} (${miss.confidence.toFixed(2)})`,
      );
    }
  }
  lines.push('');
  return lines;
}

export function formatEvaluation(result: Evaluation): string {
  return [
    ...EVALUATION_SETS.flatMap((set) => formatSet(set, result.sets[set], result.clarifyBelow)),
    `training: ${result.trainMs.toFixed(0)} ms; classify (whole parse) per message: p50 ${result.classifyUs.p50.toFixed(0)} µs, p99 ${result.classifyUs.p99.toFixed(0)} µs`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatEvaluation(evaluate()));
}
