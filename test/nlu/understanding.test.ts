import { beforeAll, describe, expect, it } from 'vitest';
import { type Evaluation, evaluate } from '../../bench/nlu/evaluate.ts';
import { EVALUATION_SETS } from '../../src/nlu/data.ts';
import {
  CLARIFY_BELOW,
  createLanguageUnderstanding,
  INTENT_NAMES,
  MEASURED_CLARIFY_SHARE,
  NLU_LOCALES,
  type TrainedLanguageUnderstanding,
} from '../../src/nlu/index.ts';

describe('held-out evaluation (phrases never trained on)', () => {
  let result: Evaluation;
  beforeAll(() => {
    result = evaluate();
  });

  const cases = EVALUATION_SETS.flatMap((set) => NLU_LOCALES.map((locale) => [set, locale] as const));

  it.each(cases)('classifies at least 95 percent of the %s %s phrases right', (set, locale) => {
    const { accuracy, misses } = result.sets[set][locale];
    expect(accuracy, JSON.stringify(misses, null, 1)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(cases)('asks again for the documented share of %s %s messages', (set, locale) => {
    expect(result.clarifyBelow).toBe(CLARIFY_BELOW);
    expect(result.sets[set][locale].clarifyShare).toBeCloseTo(MEASURED_CLARIFY_SHARE[set][locale], 3);
  });

  it('reports timing', () => {
    expect(result.trainMs).toBeGreaterThan(0);
    expect(result.classifyUs.p50).toBeGreaterThan(0);
    expect(result.classifyUs.p99).toBeGreaterThanOrEqual(result.classifyUs.p50);
  });
});

describe('parse', () => {
  let nlu: TrainedLanguageUnderstanding;
  beforeAll(() => {
    nlu = createLanguageUnderstanding();
  });

  it('trains at start-up in well under the time a turn may take', () => {
    expect(nlu.trainingMs).toBeLessThan(5000);
  });

  it.each([
    ['这个机器我不用了怎么弄', 'unbind'],
    ['我要解绑 SN号N5W1234567 店关门了', 'unbind'],
    ['手续费多少?', 'fees'],
    ['I want a real person!!!', 'human'],
    ['转人工', 'human'],
    ['搞快点 我的申请到哪了', 'status'],
    ['i want to unbnid my termnal', 'unbind'],
    ['thnaks a lot', 'thanks'],
    // Binding a new terminal is a POS question, not unbinding.
    ['新到的收款机要绑定到店里 怎么弄', 'out_of_scope'],
    ['这台收款机要解除绑定', 'unbind'],
    ['how do i bind the new card machine to my shop', 'out_of_scope'],
    ['remove the binding of my old card machine', 'unbind'],
  ])('%s → %s', (text, intent) => {
    expect(nlu.parse(text).intent.name).toBe(intent);
  });

  it('returns the contract shape: intent with a confidence in [0, 1], entities, locale', () => {
    const parsed = nlu.parse('我要解绑 SN号N5W1234567 店关门了 电话１３８ 1234 5678 商户号123456789012345');
    expect(INTENT_NAMES).toContain(parsed.intent.name);
    expect(parsed.intent.confidence).toBeGreaterThanOrEqual(0);
    expect(parsed.intent.confidence).toBeLessThanOrEqual(1);
    expect(parsed.entities.map((e) => e.type)).toEqual(['sn', 'reason', 'phone', 'merchantNo']);
    expect(parsed.locale).toBe('zh-CN');
  });

  it('uses the locale hint only when the text has no language signal', () => {
    expect(nlu.parse('N5W1234567', 'en-US').locale).toBe('en-US');
    expect(nlu.parse('N5W1234567', 'zh-CN').locale).toBe('zh-CN');
    expect(nlu.parse('我要解绑', 'en-US').locale).toBe('zh-CN');
    expect(nlu.parse('cancel please', 'zh-CN').locale).toBe('en-US');
  });

  it('gives nothing to act on for an empty message', () => {
    expect(nlu.parse('   ')).toEqual({ intent: { name: 'other', confidence: 0 }, entities: [], locale: 'zh-CN' });
  });

  it('stays a probability for very long messages', () => {
    const long = '你好我想问一下就是我们店里那个刷卡的机器现在不用了要怎么把它解绑掉'.repeat(20);
    const { intent } = nlu.parse(long);
    expect(intent.name).toBe('unbind');
    expect(intent.confidence).toBeGreaterThan(0);
    expect(intent.confidence).toBeLessThanOrEqual(1);
  });

  it('reads traditional characters', () => {
    expect(nlu.parse('我要解綁這台機器').intent.name).toBe('unbind');
  });
});
