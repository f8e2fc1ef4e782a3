/**
 * Signature vectors computed outside this code (openssl), so a bug shared by signer and verifier
 * cannot pass unnoticed:
 *   printf '%s' '1795572000.<body>' | openssl dgst -sha256 -hmac whsec_unbind_test_secret
 *   printf '%s' '2026-11-25T02:00:00Z<body>' | openssl dgst -sha256 -hmac zendesk_test_secret -binary | base64
 */
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  computeZendeskSignature,
  signatureHeader,
  verifySignatureHeader,
  verifyZendeskSignature,
} from '../../src/desk/connectors/signatures.ts';

const BODY = '{"ticketId":"UB-20261125-0001","decision":"approve"}';
const SECRET = 'whsec_unbind_test_secret';
const T = 1795572000; // 2026-11-25T02:00:00Z
const EXPECTED_HEX = '5f7d5324b2d6eade08e564b4514c73a62421d10e7735bf2cff22eaa9f180266b';
const ZENDESK_SECRET = 'zendesk_test_secret';
const ZENDESK_TS = '2026-11-25T02:00:00Z';
const EXPECTED_BASE64 = '8gU1eKkep6UKcKvO8YTtxqnkfZxiNGm8Qn5xrGBFaZw=';
const NOW = new Date(T * 1000);

describe('Stripe-style signature (X-Unbind-Signature)', () => {
  it('matches the fixed vector', () => {
    expect(computeSignature(SECRET, T, BODY)).toBe(EXPECTED_HEX);
    expect(computeSignature(SECRET, T, Buffer.from(BODY))).toBe(EXPECTED_HEX);
    expect(signatureHeader([SECRET], T, BODY)).toBe(`t=${T},v1=${EXPECTED_HEX}`);
  });

  it('accepts the vector, at the edges of the 300 s window too', () => {
    const header = `t=${T},v1=${EXPECTED_HEX}`;
    for (const skew of [0, 300, -300]) {
      const now = new Date((T + skew) * 1000);
      expect(verifySignatureHeader(header, { body: BODY, secrets: [SECRET], now })).toEqual({ ok: true });
    }
  });

  it.each([
    ['stale timestamp', `t=${T},v1=${EXPECTED_HEX}`, BODY, T + 301, 'stale'],
    ['future timestamp', `t=${T},v1=${EXPECTED_HEX}`, BODY, T - 301, 'future'],
    ['tampered body', `t=${T},v1=${EXPECTED_HEX}`, BODY.replace('approve', 'reject'), T, 'mismatch'],
    ['timestamp changed', `t=${T + 1},v1=${EXPECTED_HEX}`, BODY, T, 'mismatch'],
    ['no v1', `t=${T}`, BODY, T, 'malformed'],
    ['no t', `v1=${EXPECTED_HEX}`, BODY, T, 'malformed'],
    ['truncated v1', `t=${T},v1=${EXPECTED_HEX.slice(0, 62)}`, BODY, T, 'malformed'],
    ['v0 only', `t=${T},v0=${EXPECTED_HEX}`, BODY, T, 'malformed'],
  ])('rejects: %s', (_label, header, body, nowSeconds, reason) => {
    const now = new Date(nowSeconds * 1000);
    expect(verifySignatureHeader(header, { body, secrets: [SECRET], now })).toEqual({ ok: false, reason });
  });

  it('rejects a missing header and a wrong secret', () => {
    expect(verifySignatureHeader(undefined, { body: BODY, secrets: [SECRET], now: NOW })).toEqual({
      ok: false,
      reason: 'missing',
    });
    const header = `t=${T},v1=${EXPECTED_HEX}`;
    expect(verifySignatureHeader(header, { body: BODY, secrets: ['another-secret'], now: NOW }).ok).toBe(false);
  });

  it('rotation: any v1 against any accepted secret', () => {
    const stale = computeSignature('old-secret', T, BODY);
    // Sender still signs with the old secret as well as the new one.
    expect(
      verifySignatureHeader(`t=${T},v1=${stale},v1=${EXPECTED_HEX}`, { body: BODY, secrets: [SECRET], now: NOW }).ok,
    ).toBe(true);
    // Receiver accepts old and new while the sender switches.
    const header = `t=${T},v1=${stale}`;
    expect(verifySignatureHeader(header, { body: BODY, secrets: [SECRET, 'old-secret'], now: NOW }).ok).toBe(true);
    // signatureHeader emits one v1 per secret, current first.
    expect(signatureHeader([SECRET, 'old-secret'], T, BODY)).toBe(`t=${T},v1=${EXPECTED_HEX},v1=${stale}`);
  });
});

describe('Zendesk webhook signature', () => {
  it('matches the fixed vector (base64, timestamp + body, no separator)', () => {
    expect(computeZendeskSignature(ZENDESK_SECRET, ZENDESK_TS, BODY)).toBe(EXPECTED_BASE64);
  });

  it('accepts the vector and rejects stale, future, tampered, missing', () => {
    const check = (signature: string | undefined, ts: string | undefined, body: string, now: Date) =>
      verifyZendeskSignature(signature, ts, { body, secrets: [ZENDESK_SECRET], now });
    expect(check(EXPECTED_BASE64, ZENDESK_TS, BODY, NOW)).toEqual({ ok: true });
    expect(check(EXPECTED_BASE64, ZENDESK_TS, BODY, new Date(NOW.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(check(EXPECTED_BASE64, ZENDESK_TS, BODY, new Date(NOW.getTime() - 301_000))).toEqual({
      ok: false,
      reason: 'future',
    });
    expect(check(EXPECTED_BASE64, ZENDESK_TS, `${BODY} `, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(check(EXPECTED_BASE64, '2026-11-25T02:00:01Z', BODY, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(check(undefined, ZENDESK_TS, BODY, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(check('not-base64!', ZENDESK_TS, BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(check(EXPECTED_BASE64, 'yesterday', BODY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
