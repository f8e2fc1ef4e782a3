import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage } from '../../src/http/request-locale.ts';

describe('localeFromAcceptLanguage', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['fr-FR, de', undefined],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-GB', 'en-US'],
    ['fr, en;q=0.5, zh;q=0.4', 'en-US'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
    ['*', undefined],
  ])('%s → %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});
