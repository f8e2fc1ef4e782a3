import { describe, expect, it } from 'vitest';
import { detectLocale, writtenLocale } from '../../src/nlu/locale.ts';

describe('detectLocale', () => {
  it.each([
    ['我要解绑', 'zh-CN'],
    ['解綁機器', 'zh-CN'],
    ['我要unbind这台pos', 'zh-CN'],
    ['check一下我的申请进度', 'zh-CN'],
    ['I want a real person!!!', 'en-US'],
    ['how do I unbind 店掌柜', 'en-US'],
    ['bye啦', 'zh-CN'],
    ['can you help me unbind my 店掌柜 terminal', 'en-US'],
  ] as const)('%s → %s', (text, locale) => {
    expect(detectLocale(text, 'en-US')).toBe(locale === 'zh-CN' ? 'zh-CN' : 'en-US');
    expect(detectLocale(text, 'zh-CN')).toBe(locale);
  });

  it.each(['N5W1234567', '13812345678', 'ok', '👋', '', 'foo@example.com', 'https://example.com/a', 'SN N5W1234567'])(
    'keeps the fallback when "%s" has no language signal',
    (text) => {
      expect(detectLocale(text, 'en-US')).toBe('en-US');
      expect(detectLocale(text, 'zh-CN')).toBe('zh-CN');
      expect(detectLocale(text)).toBe('zh-CN');
    },
  );
});

describe('writtenLocale', () => {
  it('says nothing for a message without language', () => {
    expect(writtenLocale('N5W1234567')).toBeUndefined();
    expect(writtenLocale('data:image/png;base64,AAAA')).toBeUndefined();
  });

  it('counts English only from minEnglishWords words on, so a name or a thanks does not switch a conversation', () => {
    expect(writtenLocale('zhang san')).toBe('en-US');
    expect(writtenLocale('zhang san', 3)).toBeUndefined();
    expect(writtenLocale('thanks a lot', 3)).toBeUndefined();
    expect(writtenLocale('how do I unbind 店掌柜', 3)).toBe('en-US');
    expect(writtenLocale('bye啦', 3)).toBe('zh-CN');
  });
});
