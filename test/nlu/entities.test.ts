import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/nlu/entities.ts';

const only = (text: string, type: string) => extractEntities(text).filter((entity) => entity.type === type);

describe('phone', () => {
  it.each([
    ['电话１３８ 1234 5678', '１３８ 1234 5678'],
    ['+86 138-1234-5678', '+86 138-1234-5678'],
    ['0086 138 1234 5678', '0086 138 1234 5678'],
    ['8613812345678', '8613812345678'],
    ['手机138-1234-5678谢谢', '138-1234-5678'],
    ['call me on 13812345678.', '13812345678'],
  ])('finds %s', (text, written) => {
    expect(extractEntities(text)).toEqual([{ type: 'phone', value: '13812345678', text: written }]);
  });

  it('ignores numbers of the wrong length or that are not mobiles', () => {
    expect(extractEntities('1381234567')).toEqual([]);
    expect(extractEntities('138123456789')).toEqual([]);
    expect(extractEntities('12345678901')).toEqual([]);
  });
});

describe('merchant number', () => {
  it('is a 15-digit number, never a phone', () => {
    expect(extractEntities('商户号123456789012345')).toEqual([
      { type: 'merchantNo', value: '123456789012345', text: '123456789012345' },
    ]);
    expect(extractEntities('138123456789012')).toEqual([
      { type: 'merchantNo', value: '138123456789012', text: '138123456789012' },
    ]);
  });

  it('may be spaced after a keyword', () => {
    expect(only('商户号： 1234 5678 9012 345', 'merchantNo')).toEqual([
      { type: 'merchantNo', value: '123456789012345', text: '1234 5678 9012 345' },
    ]);
    expect(only('merchant number 898123456789012', 'merchantNo')[0]?.value).toBe('898123456789012');
    expect(only('商户号码是 898-1234-5678-9012', 'merchantNo')[0]?.value).toBe('898123456789012');
  });

  it('a 0086 phone written as 15 digits is a phone unless a merchant keyword comes first', () => {
    expect(extractEntities('008613812345678')).toEqual([
      { type: 'phone', value: '13812345678', text: '008613812345678' },
    ]);
    expect(extractEntities('商户号008613812345678')).toEqual([
      { type: 'merchantNo', value: '008613812345678', text: '008613812345678' },
    ]);
  });
});

describe('SN', () => {
  it.each([
    ['SN号N5W1234567', 'N5W1234567'],
    ['sn: n5w1234567', 'n5w1234567'],
    ['序列号：ｎ５ｗ１２３４５６７', 'ｎ５ｗ１２３４５６７'],
    ['机身号 abc12345678 坏了', 'abc12345678'],
    ['N5W1234567', 'N5W1234567'],
  ])('finds %s, upper-cased', (text, written) => {
    expect(extractEntities(text)).toEqual([
      { type: 'sn', value: written.normalize('NFKC').toUpperCase(), text: written },
    ]);
  });

  it('needs 8–20 letters and digits with at least one of each', () => {
    expect(only('N5W1234', 'sn')).toEqual([]);
    expect(only('N5W123456789012345678', 'sn')).toEqual([]);
    expect(only('ABCDEFGHIJ', 'sn')).toEqual([]);
    expect(only('13812345678', 'sn')).toEqual([]);
  });
});

describe('email and url', () => {
  it('lower-cases emails and keeps the written span', () => {
    expect(extractEntities('邮箱 Foo.Bar@Example.COM 谢谢')).toEqual([
      { type: 'email', value: 'foo.bar@example.com', text: 'Foo.Bar@Example.COM' },
    ]);
    expect(only('ｆｏｏ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'email')[0]?.value).toBe('foo@example.com');
    expect(only('foo@bar', 'email')).toEqual([]);
  });

  it('takes https and http links as written, without trailing punctuation', () => {
    expect(extractEntities('执照在 https://example.com/a/B?x=1。谢谢')).toEqual([
      { type: 'url', value: 'https://example.com/a/B?x=1', text: 'https://example.com/a/B?x=1' },
    ]);
    expect(only('see (http://foo.cn/x), ok', 'url')[0]?.value).toBe('http://foo.cn/x');
  });

  it('reports nothing else inside a link', () => {
    expect(extractEntities('https://example.com/N5W1234567/13812345678')).toEqual([
      {
        type: 'url',
        value: 'https://example.com/N5W1234567/13812345678',
        text: 'https://example.com/N5W1234567/13812345678',
      },
    ]);
  });
});

describe('reason', () => {
  it.each([
    ['店关了', 'relocation_or_closure'],
    ['我们关门了', 'relocation_or_closure'],
    ['公司倒闭', 'relocation_or_closure'],
    ['老板不干了', 'relocation_or_closure'],
    ['搬家了', 'relocation_or_closure'],
    ['店铺搬迁', 'relocation_or_closure'],
    ['要换机器', 'device_replacement'],
    ['换新机了', 'device_replacement'],
    ['换设备', 'device_replacement'],
    ['device replacement', 'device_replacement'],
    ['变更法人', 'legal_rep_change'],
    ['换法人', 'legal_rep_change'],
    ['法人变了', 'legal_rep_change'],
    ['we have a new legal representative', 'legal_rep_change'],
    ['业务调整', 'business_adjustment'],
    ['公司重组', 'business_adjustment'],
    ['Restructuring', 'business_adjustment'],
    ['business adjustment', 'business_adjustment'],
  ])('%s → %s', (text, code) => {
    expect(only(text, 'reason').map((entity) => entity.value)).toEqual([code]);
  });

  it('reads traditional characters and keeps them in the span', () => {
    expect(extractEntities('店關門了，換機器，變更法人，業務調整')).toEqual([
      { type: 'reason', value: 'relocation_or_closure', text: '店關門' },
      { type: 'reason', value: 'device_replacement', text: '換機器' },
      { type: 'reason', value: 'legal_rep_change', text: '變更法人' },
      { type: 'reason', value: 'business_adjustment', text: '業務調整' },
    ]);
  });

  it('matches English words whole', () => {
    expect(only('restructuringly', 'reason')).toEqual([]);
  });
});

describe('several entities in one message', () => {
  it('fills four at once, in order, each number reported once', () => {
    expect(extractEntities('我要解绑 SN号N5W1234567 店关门了 电话１３８ 1234 5678 商户号123456789012345')).toEqual([
      { type: 'sn', value: 'N5W1234567', text: 'N5W1234567' },
      { type: 'reason', value: 'relocation_or_closure', text: '店关门' },
      { type: 'phone', value: '13812345678', text: '１３８ 1234 5678' },
      { type: 'merchantNo', value: '123456789012345', text: '123456789012345' },
    ]);
  });

  it('tells a phone, an SN and a merchant number apart without keywords', () => {
    expect(extractEntities('13812345678 N5W1234567 898123456789012 a@b.cn').map((e) => e.type)).toEqual([
      'phone',
      'sn',
      'merchantNo',
      'email',
    ]);
  });
});

describe('ticket number and the last four digits of a phone', () => {
  it.each([
    ['UB-20261129-0002 1234', 'UB-20261129-0002', '1234'],
    ['查下进度 ub-20261129-0002 尾号1234', 'UB-20261129-0002', '1234'],
    ['status UB-20261129-0002 last 4 1234', 'UB-20261129-0002', '1234'],
    ['工单ＵＢ－２０２６１１２９－０００２，后四位是 ５６７８', 'UB-20261129-0002', '5678'],
  ])('finds both in %s', (text, ticketId, digits) => {
    expect(only(text, 'ticketId').map((entity) => entity.value)).toEqual([ticketId]);
    expect(only(text, 'phoneLast4').map((entity) => entity.value)).toEqual([digits]);
  });

  it('takes four digits after a keyword, beside an SN, or not at all', () => {
    expect(only('SN K7Q358201146 尾号1234', 'phoneLast4')[0]?.value).toBe('1234');
    expect(only('我的机器N9P55667788 手机后四位 1234 审核到哪了', 'phoneLast4')[0]?.value).toBe('1234');
    expect(only('the last four digits of my phone are 5678', 'phoneLast4')[0]?.value).toBe('5678');
    expect(only('K7Q358201146 5678', 'phoneLast4')[0]?.value).toBe('5678');
    // Bare digits mean nothing without a ticket number or an SN, nor when two groups compete.
    expect(only('我有1234个问题', 'phoneLast4')).toEqual([]);
    expect(only('K7Q358201146 5678 1234', 'phoneLast4')).toEqual([]);
    // Not a date, a time, a phone or part of a code.
    expect(only('K7Q358201146 2026-11-29', 'phoneLast4')).toEqual([]);
    expect(only('K7Q358201146 10:30', 'phoneLast4')).toEqual([]);
    expect(only('K7Q358201146 电话13812345678', 'phoneLast4')).toEqual([]);
    expect(only('尾号12345', 'phoneLast4')).toEqual([]);
  });

  it('never reads a ticket number as anything else', () => {
    expect(extractEntities('UB-20261129-0002')).toEqual([
      { type: 'ticketId', value: 'UB-20261129-0002', text: 'UB-20261129-0002' },
    ]);
    expect(only('UB-2026', 'ticketId')).toEqual([]);
  });
});
