/**
 * WeChat's signatures and safe-mode encryption against the official vectors (PROTOCOLS.md 1.1, 1.5).
 */
import { describe, expect, it } from 'vitest';
import { WechatCipher, WechatCryptoError, wechatSignature } from '../../../src/channels/wechat/wechat-crypto.ts';
import { parseWechatXml } from '../../../src/channels/wechat/wechat-xml.ts';

const KEY_A = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('WeChat signatures', () => {
  it('URL verification signature (wechatpy vector and token "weixin")', () => {
    expect(wechatSignature('token', 'timestamp', 'nonce')).toBe('6db4861c77e0633e0105672fcd41c9fc2766e26e');
    expect(wechatSignature('weixin', 'timestamp', 'nonce')).toBe('877a7f05557e3052fa30b9bf4a65046c933cbb79');
  });
});

describe('WeChat safe mode', () => {
  it('A: the Java sample encrypts with fixed random to the published ciphertext, and back', () => {
    const cipher = new WechatCipher(KEY_A, 'wxb11529c136998cb6');
    const encrypted = cipher.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd'));
    expect(encrypted).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
    expect(cipher.decrypt(encrypted)).toBe('我是中文abcd123');
  });

  it('D: the Python sample message verifies and decrypts; MsgId keeps every digit', () => {
    const encrypt =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    expect(wechatSignature('spamtest', '1409735669', '1320562132', encrypt)).toBe(
      '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
    );
    const xml = new WechatCipher(KEY_A, 'wx2c2769f8efd9abc2').decrypt(encrypt);
    expect(Buffer.byteLength(xml)).toBe(280);
    const fields = parseWechatXml(xml);
    expect(fields).toMatchObject({
      ToUserName: 'gh_10f6c3c3ac5a',
      FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      MsgType: 'text',
      Content: 'abcdteT',
      MsgId: '6054768590064713728',
    });
    // Another AppID's message is refused (WeChat's -40005).
    expect(() => new WechatCipher(KEY_A, 'wx0000000000000000').decrypt(encrypt)).toThrow(WechatCryptoError);
  });

  it('C: the C# sample (pad 30, the receiver id at the end) decrypts', () => {
    const key = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
    const encrypt =
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
    expect(wechatSignature('QDG6eK', '1409659813', '1372623149', encrypt)).toBe(
      '477715d11cdb4164915debcba66cb864d751f3e6',
    );
    const xml = new WechatCipher(key, 'wx5823bf96d3bd56c7').decrypt(encrypt);
    expect(Buffer.byteLength(xml)).toBe(284);
    expect(parseWechatXml(xml)).toMatchObject({ Content: 'hello', MsgId: '4561255354251345929' });
  });

  it('E: the all-zero key encrypts a reply to the published ciphertext and signature', () => {
    const cipher = new WechatCipher('A'.repeat(43), 'wx134c8103faa5a59e');
    const encrypted = cipher.encrypt(
      '<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>',
      Buffer.from('999951349e8ee746'),
    );
    expect(encrypted).toBe(
      'hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7',
    );
    expect(wechatSignature('AAAAA', '1713424427', '415670741', encrypted)).toBe(
      '03e0812039325c2712ef5f0f980fd14c70d6e307',
    );
  });

  it('refuses what is not a ciphertext of ours: bad base64 length, tampered bytes', () => {
    const cipher = new WechatCipher(KEY_A, 'wxb11529c136998cb6');
    expect(() => cipher.decrypt('abc')).toThrow(WechatCryptoError);
    const good = Buffer.from(cipher.encrypt('hello'), 'base64');
    good[good.length - 1] = (good[good.length - 1] ?? 0) ^ 0xff;
    expect(() => cipher.decrypt(good.toString('base64'))).toThrow(WechatCryptoError);
  });
});

describe('WeChat XML', () => {
  it('refuses a DOCTYPE or entity, and malformed documents', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>';
    expect(() => parseWechatXml(xxe)).toThrow(/entity/);
    expect(() => parseWechatXml('<xml><Content>unclosed</xml>')).toThrow(/malformed/);
    expect(() => parseWechatXml('not xml')).toThrow(/malformed/);
    expect(() => parseWechatXml('<other><a>1</a></other>')).toThrow(/malformed/);
  });
});
