import { describe, expect, it } from 'vitest';
import { UNBIND_FORM } from '../../dialogs/unbind-form.ts';
import { FORM_VOCABULARY } from '../../dialogs/vocabulary.ts';
import { AnswerReader } from '../../src/engine/answer-matching.ts';
import { labelSeparators, readMessage } from '../../src/engine/message-reading.ts';
import { extractEntities } from '../../src/nlu/entities.ts';

const reader = new AnswerReader(FORM_VOCABULARY);
const slot = (name: string) => UNBIND_FORM.slots.find((s) => s.name === name);

function read(text: string, pending?: string) {
  return readMessage(text, extractEntities(text), {
    slots: UNBIND_FORM.slots,
    pending: pending ? slot(pending) : undefined,
    takesEntity: (_, mapping) => mapping.anyTurn === true,
    reader,
    locale: 'zh-CN',
    negations: ['不', '不是', '没有', '无', '不涉及', 'no', 'not'],
    separators: labelSeparators(FORM_VOCABULARY.labelLinks, FORM_VOCABULARY.labelFillers),
  });
}

describe('reading a message for what it carries', () => {
  it('takes labelled values of several slots, and the text before the first label answers the question asked', () => {
    const reading = read('李秀英 电话13812345678 邮箱：li@example.com', 'contactName');
    expect(reading.values).toEqual({ phone: '13812345678', email: 'li@example.com' });
    expect(reading.pendingAnswer).toBe('李秀英');
  });

  it('says what is wrong with a labelled value instead of storing it', () => {
    const reading = read('李秀英 电话1381234567', 'contactName');
    expect(reading.values).toEqual({});
    expect(reading.problems.map((p) => [p.slot.name, p.errorKey])).toEqual([['phone', 'validation:phone.length']]);
  });

  it('inside a description, a field name glued to other words is not a label', () => {
    const text = '换了手机号13900000000的新店，旧机器不用了';
    const reading = read(text, 'reasonDetail');
    expect(reading.labelled).toEqual([]);
    // The phone is noted, and the description is kept whole.
    expect(reading.values).toEqual({ phone: '13900000000' });
    expect(reading.pendingAnswer).toBe(text);
  });

  it('what is left once an entity is taken answers a short question ("孙悦 18612345678" at the name)', () => {
    const reading = read('孙悦 18612345678', 'contactName');
    expect(reading.values).toEqual({ phone: '18612345678' });
    expect(reading.pendingAnswer).toBe('孙悦');
  });

  it('a field name inside a link is part of the link', () => {
    const reading = read('https://pan.example.com/licence/photo.jpg', 'legalRepIdFront');
    expect(reading.labelled).toEqual([]);
    expect(reading.values).toEqual({ legalRepIdFront: 'https://pan.example.com/licence/photo.jpg' });
  });

  it('a label right after another belongs to it ("营业执照照片")', () => {
    expect(read('营业执照照片 https://a.example.com/l.jpg', 'devicePhoto').values).toEqual({
      businessLicense: 'https://a.example.com/l.jpg',
    });
  });

  it('a yes/no question mentioned in passing, and negated', () => {
    expect(read('我们法人是未成年人').values).toEqual({ involvesMinor: true });
    expect(read('不涉及未成年人').values).toEqual({ involvesMinor: false });
    expect(read('未成年人：否').values).toEqual({ involvesMinor: false });
  });
});
