import { describe, expect, it } from 'vitest';
import {
  checkField,
  documentUrlSchema,
  emailSchema,
  merchantNoSchema,
  personNameSchema,
  phoneSchema,
  snSchema,
} from '../../src/validation/fields.ts';

type Case = readonly [input: string, expected: { value: string } | { code: string }];

function table(name: string, schema: Parameters<typeof checkField>[0], cases: readonly Case[]) {
  describe(name, () => {
    it.each(cases)('%j → %j', (input, expected) => {
      const result = checkField(schema, input);
      if ('value' in expected) expect(result).toEqual({ ok: true, value: expected.value });
      else expect(result).toEqual({ ok: false, code: expected.code });
    });
  });
}

table('mainland mobile phone', phoneSchema, [
  ['13812345678', { value: '13812345678' }],
  ['+86 138 1234 5678', { value: '13812345678' }],
  ['0086-138-1234-5678', { value: '13812345678' }],
  ['8613812345678', { value: '13812345678' }],
  ['１３８ １２３４ ５６７８', { value: '13812345678' }],
  ['＋８６１３９１２３４５６７８', { value: '13912345678' }],
  ['1381234567', { code: 'phone.length' }],
  ['138123456789', { code: 'phone.length' }],
  ['12812345678', { code: 'phone.notMobile' }],
  ['01012345678', { code: 'phone.notMobile' }],
  ['138abc45678', { code: 'phone.format' }],
  ['', { code: 'phone.length' }],
]);

table('email', emailSchema, [
  ['ZhangSan@Example.COM', { value: 'zhangsan@example.com' }],
  [' a.b+c@shop.example.cn ', { value: 'a.b+c@shop.example.cn' }],
  ['zhangsan@', { code: 'email.invalid' }],
  ['zhang san@example.com', { code: 'email.invalid' }],
  ['no-at-sign.example.com', { code: 'email.invalid' }],
]);

table('document link', documentUrlSchema, [
  ['https://pan.example.com/s/abc', { value: 'https://pan.example.com/s/abc' }],
  ['  https://files.example.cn/a.jpg?x=1 ', { value: 'https://files.example.cn/a.jpg?x=1' }],
  ['http://pan.example.com/s/abc', { code: 'url.notHttps' }],
  ['javascript:alert(1)', { code: 'url.scheme' }],
  ['data:text/html,<b>hi</b>', { code: 'url.scheme' }],
  ['file:///etc/passwd', { code: 'url.scheme' }],
  ['营业执照', { code: 'url.invalid' }],
  ['licence', { code: 'url.invalid' }],
  ['https://localhost/a', { code: 'url.invalid' }],
  ['https://user:pw@example.com/a', { code: 'url.invalid' }],
  [`https://example.com/${'a'.repeat(2040)}`, { code: 'url.tooLong' }],
]);

table('device serial number', snSchema, [
  ['n5w1234567', { value: 'N5W1234567' }],
  ['N5W 123-4567', { value: 'N5W1234567' }],
  ['Ｎ５Ｗ１２３４５６７', { value: 'N5W1234567' }],
  ['N5W12', { code: 'sn.length' }],
  ['N5W123456789012345678', { code: 'sn.length' }],
  ['N5W#1234567', { code: 'sn.chars' }],
  ['序列号N5W1234567', { code: 'sn.chars' }],
]);

table('merchant number', merchantNoSchema, [
  ['102100012345678', { value: '102100012345678' }],
  ['1021 0001 2345 678', { value: '102100012345678' }],
  ['１０２１００ ０１２３４５６７８', { value: '102100012345678' }],
  ['10210001234567', { code: 'merchantNo.length' }],
  ['1021000123456789', { code: 'merchantNo.length' }],
  ['10210001234567A', { code: 'merchantNo.digits' }],
]);

table('person name', personNameSchema, [
  ['张三', { value: '张三' }],
  ['  Li   Lei ', { value: 'Li Lei' }],
  ['欧阳·娜娜', { value: '欧阳·娜娜' }],
  ['', { code: 'name.empty' }],
  ['张三1', { code: 'name.digits' }],
  ['www.example.com', { code: 'name.link' }],
  ['https://x.example.com', { code: 'name.link' }],
  ['很'.repeat(41), { code: 'name.tooLong' }],
]);
