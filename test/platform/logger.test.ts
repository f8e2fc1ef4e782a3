/**
 * What the log scrubber takes out of free text (messages, error messages, unmatched paths), and
 * what it leaves readable.
 */
import { describe, expect, it } from 'vitest';
import { createLogger, scrubPersonalData } from '../../src/platform/logger.ts';

describe('scrubPersonalData', () => {
  it.each([
    ['mail zhangsan@example.com now', 'mail [email] now'],
    ['/api/desk/tickets/zhangsan%40example.com', '/api/desk/tickets/[email]'],
    ['?email=Li.Si%2Bpos%40Example.COM&x=1', '?email=[email]&x=1'],
    ['sn N5W1234567 here', 'sn [sn] here'],
    ['sn n5w1234567, again', 'sn [sn], again'],
    ['序列号Ｎ５Ｗ１２３４５６７', '序列号[sn]'],
    ['商户号102100012345678。', '商户号[merchant-no]。'],
    ['商户号 102100 012345678', '商户号 [merchant-no]'],
    ['merchant １０２１０００１２３４５６７８', 'merchant [merchant-no]'],
    ['call 138 1234 5678', 'call [phone]'],
    ['see https://pan.example.com/s/licence', 'see [link]'],
  ])('%s', (text, scrubbed) => {
    expect(scrubPersonalData(text)).toBe(scrubbed);
  });

  it.each([
    'ticket UB-20261125-0001 filed',
    'attempt 3 of 12 after 2000 ms',
    'storage_version_conflict on state/webchat',
    'HTTP 503 from the desk',
  ])('leaves %s as it is', (text) => {
    expect(scrubPersonalData(text)).toBe(text);
  });
});

describe('the logger', () => {
  it('scrubs messages and error messages of serial, merchant and %40-encoded addresses', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info('route /x/a%40b.cn for N5W1234567');
    logger.error({ err: new Error('bad merchant 102100012345678 / SN ABCD12345678') }, 'failed');
    const text = lines.join('');
    for (const secret of ['a%40b.cn', 'N5W1234567', '102100012345678', 'ABCD12345678']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[sn]');
    expect(text).toContain('[merchant-no]');
  });
});
