/**
 * The WeChat settings' rules (config.ts): a setting that would be silently ignored, or a value
 * WeChat would refuse, stops the start and names the variable.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/platform/config.ts';

const load = (env: Record<string, string>) => loadConfig({ DESK_API_TOKEN: 'x'.repeat(16), ...env }, () => '');
const problems = (env: Record<string, string>) => {
  try {
    load(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('WeChat settings', () => {
  it('defaults: 4 s wait, 48-hour window, the real API', () => {
    expect(load({ WECHAT_TOKEN: 'abc123' })).toMatchObject({
      WECHAT_REPLY_WAIT_MS: 4000,
      WECHAT_SERVICE_WINDOW_HOURS: 48,
      WECHAT_API_BASE: 'https://api.weixin.qq.com',
    });
  });

  it('refuses combinations that would leave something silently off', () => {
    expect(problems({ WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's' })).toEqual([
      expect.stringMatching(/^WECHAT_TOKEN: required/),
    ]);
    expect(problems({ WECHAT_TOKEN: 'abc123', WECHAT_APP_ID: 'wx1' })).toEqual([
      expect.stringMatching(/^WECHAT_APP_ID, WECHAT_APP_SECRET: set both/),
    ]);
    expect(problems({ WECHAT_TOKEN: 'abc123', WECHAT_ENCODING_AES_KEY: 'a'.repeat(43) })).toEqual([
      expect.stringMatching(/^WECHAT_APP_ID: required with WECHAT_ENCODING_AES_KEY/),
    ]);
    expect(problems({ WECHAT_TOKEN: 'abc123', WECHAT_TEMPLATE_ID_DECISION: 't' })).toEqual([
      expect.stringMatching(/WECHAT_TEMPLATE_ID_DECISION/),
    ]);
  });

  it('refuses values WeChat would not accept', () => {
    expect(problems({ WECHAT_TOKEN: 'has space' })[0]).toMatch(/^WECHAT_TOKEN/);
    expect(
      problems({
        WECHAT_TOKEN: 'abc123',
        WECHAT_APP_ID: 'wx1',
        WECHAT_APP_SECRET: 's',
        WECHAT_ENCODING_AES_KEY: 'short',
      })[0],
    ).toMatch(/^WECHAT_ENCODING_AES_KEY/);
    expect(problems({ WECHAT_TOKEN: 'abc123', WECHAT_REPLY_WAIT_MS: '5000' })[0]).toMatch(/^WECHAT_REPLY_WAIT_MS/);
    expect(problems({ WECHAT_TOKEN: 'abc123', WECHAT_SERVICE_WINDOW_HOURS: '72' })[0]).toMatch(
      /^WECHAT_SERVICE_WINDOW_HOURS/,
    );
  });
});
