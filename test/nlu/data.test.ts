import { describe, expect, it } from 'vitest';
import {
  EVALUATION_SETS,
  loadEntityKeywords,
  loadNeutralWords,
  loadPhrases,
  loadTraditionalMap,
} from '../../src/nlu/data.ts';
import { normalize, toSimplified } from '../../src/nlu/normalize.ts';
import { INTENT_NAMES, NLU_LOCALES } from '../../src/nlu/types.ts';

/** Compared without case, width, script variant, spaces, punctuation or emoji. */
const comparable = (text: string) => normalize(text).replace(/[^\p{L}\p{N}]/gu, '');

describe.each(NLU_LOCALES)('phrases %s', (locale) => {
  const training = loadPhrases(locale, 'training');
  const evaluation = loadPhrases(locale, 'evaluation');
  const voices = loadPhrases(locale, 'evaluation-voices');

  it.each(INTENT_NAMES)(
    'has at least 40 training, 15 evaluation and 20 other-voice evaluation phrases for %s',
    (intent) => {
      expect(training[intent].length).toBeGreaterThanOrEqual(40);
      expect(evaluation[intent].length).toBeGreaterThanOrEqual(15);
      expect(voices[intent].length).toBeGreaterThanOrEqual(20);
    },
  );

  it.each(EVALUATION_SETS)('never trains on a phrase of the %s set', (set) => {
    const trained = new Set(INTENT_NAMES.flatMap((intent) => training[intent].map(comparable)));
    const held = loadPhrases(locale, set);
    const leaked = INTENT_NAMES.flatMap((intent) => held[intent].filter((text) => trained.has(comparable(text))));
    expect(leaked).toEqual([]);
  });

  it('files no phrase under two intents', () => {
    for (const phrases of [training, evaluation, voices]) {
      const intentOf = new Map<string, string>();
      for (const intent of INTENT_NAMES) {
        for (const text of phrases[intent]) {
          expect(intentOf.get(normalize(text)) ?? intent, text).toBe(intent);
          intentOf.set(normalize(text), intent);
        }
      }
    }
  });
});

describe('other data files', () => {
  it('entity keywords and locale words parse', () => {
    expect(loadEntityKeywords().reasons.relocation_or_closure).toContain('倒闭');
    expect(loadNeutralWords().words.has('sn')).toBe(true);
  });

  it('the traditional → simplified map is one character to another, never chained', () => {
    const map = loadTraditionalMap();
    expect(map.size).toBeGreaterThan(500);
    const simplified = new Set(map.values());
    for (const [from, to] of map) {
      expect(from).not.toBe(to);
      expect(simplified.has(from)).toBe(false);
    }
  });

  it('converts the traditional characters of this product', () => {
    expect(
      toSimplified('解綁機器 轉人工客服 現在進度到哪了 手續費怎麼收 變更法人 營業執照 商戶號 謝謝 再見 重新開始'),
    ).toBe('解绑机器 转人工客服 现在进度到哪了 手续费怎么收 变更法人 营业执照 商户号 谢谢 再见 重新开始');
  });

  it('the Chinese evaluation set has a handful of traditional-character messages', () => {
    const evaluation = loadPhrases('zh-CN', 'evaluation');
    const traditional = INTENT_NAMES.flatMap((intent) => evaluation[intent]).filter((t) => toSimplified(t) !== t);
    expect(traditional.length).toBeGreaterThanOrEqual(5);
  });
});
