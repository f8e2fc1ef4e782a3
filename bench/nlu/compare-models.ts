/**
 * The measurements behind dialogs/nlu/TOKENIZER.md.
 *
 * 1. Chinese tokens: character unigrams + bigrams against the jieba word segmenter (with the
 *    domain words of dialogs/nlu/segmenter-words.json), both with natural's Bayes classifier:
 *    held-out evaluation accuracy, 5-fold cross-validation on the training phrases, training
 *    time, parse time. English is tokenised the same way by both.
 * 2. Classifiers: natural's Bayes against its logistic regression, trained on the first N
 *    training phrases of each intent (logistic regression's training time grows about with the
 *    square of the phrases: on all of them it takes tens of minutes, pass `--full` to measure).
 *
 *   npm install --prefix /tmp/jieba @node-rs/jieba@2.0.3   # outside the project
 *   JIEBA=/tmp/jieba/node_modules/@node-rs/jieba npx tsx bench/nlu/compare-models.ts [--full]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadPhrases, NLU_DATA_DIR } from '../../src/nlu/data.ts';
import type { ClassifierKind } from '../../src/nlu/intent-classifier.ts';
import { characterBigrams, type HanSegmenter } from '../../src/nlu/tokenizers.ts';
import { INTENT_NAMES, type Locale, NLU_LOCALES, type PhraseSet } from '../../src/nlu/types.ts';
import { crossValidate } from './calibrate.ts';
import { evaluate } from './evaluate.ts';

interface JiebaModule {
  Jieba: {
    withDict(dict: Uint8Array): { cut(text: string, hmm?: boolean): string[]; loadDict(dict: Uint8Array): void };
  };
}

function loadJieba(): HanSegmenter | undefined {
  const name = process.env.JIEBA ?? '@node-rs/jieba';
  const require = createRequire(import.meta.url);
  try {
    const { Jieba } = require(name) as JiebaModule;
    const { dict } = require(`${name}/dict`) as { dict: Uint8Array };
    const jieba = Jieba.withDict(dict);
    const file = path.join(NLU_DATA_DIR, 'segmenter-words.json');
    const { words } = JSON.parse(readFileSync(file, 'utf8')) as { words: string[] };
    jieba.loadDict(Buffer.from(words.map((word) => `${word} 100000 n`).join('\n')));
    return (run) => jieba.cut(run, true);
  } catch {
    return undefined;
  }
}

const percent = (share: number | undefined) => `${((share ?? 0) * 100).toFixed(1)}%`;

function compareTokenizers(): void {
  const jieba = loadJieba();
  const candidates: [string, HanSegmenter][] = [['character unigrams + bigrams', characterBigrams]];
  if (jieba) {
    candidates.push(['jieba words (+ domain words)', jieba]);
    candidates.push([
      'jieba words + character unigrams',
      (run) => {
        const words = jieba(run);
        return [...words, ...[...run].filter((char) => !words.includes(char))];
      },
    ]);
  } else {
    console.error('@node-rs/jieba not found (set JIEBA): measuring character n-grams only');
  }
  console.log(
    '| Chinese tokens | zh-CN eval | en-US eval | zh-CN 5-fold CV | training (both languages) | parse p50 / p99 |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [name, segmentHan] of candidates) {
    const result = evaluate({ segmentHan });
    const cv = crossValidate('zh-CN', 5, { segmentHan });
    const cvAccuracy = cv.filter((p) => p.ranking[0]?.name === p.expected).length / cv.length;
    const { p50, p99 } = result.classifyUs;
    console.log(
      `| ${name} | ${percent(result.sets.evaluation['zh-CN'].accuracy)} | ${percent(result.sets.evaluation['en-US'].accuracy)} | ${percent(cvAccuracy)} | ${result.trainMs.toFixed(0)} ms | ${p50.toFixed(0)} / ${p99.toFixed(0)} µs |`,
    );
  }
}

function firstPhrases(perIntent: number): Record<Locale, PhraseSet> {
  const subset = (locale: Locale) => {
    const phrases = loadPhrases(locale, 'training');
    return Object.fromEntries(INTENT_NAMES.map((name) => [name, phrases[name].slice(0, perIntent)])) as PhraseSet;
  };
  return { 'zh-CN': subset('zh-CN'), 'en-US': subset('en-US') };
}

function compareClassifiers(sizes: number[]): void {
  console.log('\n| training phrases per intent | classifier | zh-CN eval | en-US eval | training (both languages) |');
  console.log('|---|---|---|---|---|');
  for (const size of sizes) {
    const training = Number.isFinite(size) ? firstPhrases(size) : undefined;
    for (const classifier of ['bayes', 'logistic'] as ClassifierKind[]) {
      const result = evaluate({ classifier, training });
      const cells = NLU_LOCALES.map((locale) => percent(result.sets.evaluation[locale].accuracy));
      console.log(
        `| ${Number.isFinite(size) ? size : 'all'} | ${classifier} | ${cells.join(' | ')} | ${result.trainMs.toFixed(0)} ms |`,
      );
    }
  }
}

compareTokenizers();
compareClassifiers(process.argv.includes('--full') ? [10, 20, Number.POSITIVE_INFINITY] : [10, 20]);
