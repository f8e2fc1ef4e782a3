/**
 * Measures character unigrams + bigrams against the jieba word segmenter (with the domain words
 * of dialogs/nlu/segmenter-words.json added) for Chinese, with natural's Bayes classifier:
 * held-out evaluation accuracy, 5-fold cross-validation accuracy on the training phrases,
 * training time and parse time per message. English is tokenised the same way by both.
 *
 *   npm install --prefix /tmp/jieba @node-rs/jieba@2.0.3   # outside the project
 *   JIEBA=/tmp/jieba/node_modules/@node-rs/jieba npx tsx src/nlu/compare-tokenizers.ts
 *
 * (JIEBA defaults to the package name, for a project where it is installed.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crossValidate } from './calibrate.ts';
import { NLU_DATA_DIR } from './data.ts';
import { evaluate } from './evaluate.ts';
import { characterBigrams, type HanSegmenter } from './tokenizers.ts';
import { NLU_LOCALES } from './types.ts';

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
    const { words } = JSON.parse(readFileSync(path.join(NLU_DATA_DIR, 'segmenter-words.json'), 'utf8')) as {
      words: string[];
    };
    jieba.loadDict(Buffer.from(words.map((word) => `${word} 100000 n`).join('\n')));
    return (run) => jieba.cut(run, true);
  } catch {
    return undefined;
  }
}

function main() {
  const jieba = loadJieba();
  const candidates: [string, HanSegmenter][] = [['character unigrams + bigrams', characterBigrams]];
  if (jieba) {
    candidates.push(['jieba words (+ domain words)', jieba]);
    candidates.push([
      'jieba words + character unigrams',
      (run) => [...jieba(run), ...[...run].filter((c) => !jieba(run).includes(c))],
    ]);
  } else {
    console.error('@node-rs/jieba is not installed: measuring character n-grams only');
  }
  console.log('| Chinese tokens | zh-CN eval | en-US eval | zh-CN 5-fold CV | training (both) | parse p50 / p99 |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, segmentHan] of candidates) {
    const result = evaluate({ segmentHan });
    const cv = crossValidate('zh-CN', 5, { segmentHan });
    const cvAccuracy = cv.filter((p) => p.ranking[0]?.name === p.expected).length / cv.length;
    const [zh, en] = NLU_LOCALES.map((locale) => result.locales[locale]);
    console.log(
      `| ${name} | ${((zh?.accuracy ?? 0) * 100).toFixed(1)}% | ${((en?.accuracy ?? 0) * 100).toFixed(1)}% | ${(cvAccuracy * 100).toFixed(1)}% | ${result.trainingMs.toFixed(0)} ms | ${result.parseUs.p50.toFixed(0)} / ${result.parseUs.p99.toFixed(0)} µs |`,
    );
  }
}

main();
