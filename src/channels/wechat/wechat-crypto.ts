/**
 * WeChat's message signatures and its "safe mode" encryption (PROTOCOLS.md 1.1 and 1.4):
 * sha1 over the sorted parameters; AES-256-CBC with the EncodingAESKey, IV = the key's first 16
 * bytes, PKCS#7 padding to 32 bytes (not AES's 16, so Node's own unpadding refuses it), and a
 * plaintext of random(16) ‖ length(4, big-endian) ‖ message ‖ AppID.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;

/** sha1 hex of the parts sorted in dictionary order and joined: `signature` and `msg_signature`. */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(expected: string, received: string | undefined): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received.toLowerCase()));
}

export class WechatCryptoError extends Error {
  /** WeChat's sample codes: -40005 AppID, -40007 decryption, -40010 base64. */
  constructor(readonly code: 'wechat_bad_appid' | 'wechat_bad_ciphertext') {
    super(code);
    this.name = 'WechatCryptoError';
  }
}

export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new RangeError('EncodingAESKey must decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
  }

  /** The message inside `<Encrypt>`; throws when it is not well-formed or not for our AppID. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('wechat_bad_ciphertext');
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WechatCryptoError('wechat_bad_ciphertext');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('wechat_bad_ciphertext');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new WechatCryptoError('wechat_bad_ciphertext');
    const length = content.readUInt32BE(16);
    if (20 + length > content.length) throw new WechatCryptoError('wechat_bad_ciphertext');
    const message = content.subarray(20, 20 + length).toString('utf8');
    const appId = content.subarray(20 + length).toString('utf8');
    if (appId !== this.appId) throw new WechatCryptoError('wechat_bad_appid');
    return message;
  }

  /** Base64 of the encrypted message; `random` (16 bytes) is fixed only by the official vectors. */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const content = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (content.length % BLOCK);
    const padded = Buffer.concat([content, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }
}
