/**
 * Request signatures between the assistant and desks.
 *
 * - Ours (both directions of the generic webhook), Stripe style:
 *   `X-Unbind-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=…]`.
 *   Several v1 values let either side rotate secrets without downtime.
 * - Zendesk's: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + raw body)),
 *   no separator, timestamp from `X-Zendesk-Webhook-Signature-Timestamp` (ISO 8601).
 *
 * Both are checked over the raw bytes received, compared in constant time, and only within
 * ±5 minutes of now, so a captured request cannot be replayed later (nor one dated ahead).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Unbind-Signature';
export const ZENDESK_SIGNATURE_HEADER = 'X-Zendesk-Webhook-Signature';
export const ZENDESK_TIMESTAMP_HEADER = 'X-Zendesk-Webhook-Signature-Timestamp';
/** Stripe's default tolerance. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'stale' | 'future';
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

type Body = string | Buffer;

function hmac(secret: string, prefix: string, body: Body): Buffer {
  return createHmac('sha256', secret).update(prefix, 'utf8').update(body).digest();
}

/** hex HMAC-SHA256(secret, `${timestamp}.${body}`) */
export function computeSignature(secret: string, timestamp: number, body: Body): string {
  return hmac(secret, `${timestamp}.`, body).toString('hex');
}

/** The header value for a request sent now, with one v1 per secret (current one first). */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: Body): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, body)}`)].join(',');
}

/** base64 HMAC-SHA256(secret, timestamp + body), as Zendesk signs. */
export function computeZendeskSignature(secret: string, timestamp: string, body: Body): string {
  return hmac(secret, timestamp, body).toString('base64');
}

/** Whether one presented digest equals one expected digest, in time independent of where they differ. */
function sameDigest(presented: Buffer, expected: Buffer): boolean {
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function withinTolerance(timestampMs: number, now: Date, toleranceSeconds: number): SignatureCheck {
  const skew = now.getTime() - timestampMs;
  if (skew > toleranceSeconds * 1000) return { ok: false, reason: 'stale' };
  if (-skew > toleranceSeconds * 1000) return { ok: false, reason: 'future' };
  return { ok: true };
}

export interface VerifyInput {
  body: Body;
  /** Accepted secrets: during a rotation, the old and the new. */
  secrets: readonly string[];
  now: Date;
  toleranceSeconds?: number;
}

/** Checks an `X-Unbind-Signature` header: any v1 made with any accepted secret, timestamp in range. */
export function verifySignatureHeader(header: string | undefined, input: VerifyInput): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let timestamp: number | undefined;
  const presented: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && timestamp === undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Other schemes (v0, future v2) are ignored, as Stripe does; only well-formed hex digests count.
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) presented.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || presented.length === 0) return { ok: false, reason: 'malformed' };
  const signedAt = timestamp;
  const expected = input.secrets.map((secret) => hmac(secret, `${signedAt}.`, input.body));
  // Compare every pair (no early exit), so timing says nothing about which secret or value matched.
  let matched = false;
  for (const p of presented) for (const e of expected) matched = sameDigest(p, e) || matched;
  if (!matched) return { ok: false, reason: 'mismatch' };
  return withinTolerance(signedAt * 1000, input.now, input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS);
}

/** Checks Zendesk's signature and timestamp headers. */
export function verifyZendeskSignature(
  signature: string | undefined,
  timestamp: string | undefined,
  input: VerifyInput,
): SignatureCheck {
  if (!signature || !timestamp) return { ok: false, reason: 'missing' };
  // Zendesk sends ISO 8601 (2021-03-25T05:09:27Z); unix seconds are accepted too.
  const signedAtMs = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Date.parse(timestamp);
  const presented = Buffer.from(signature.trim(), 'base64');
  if (Number.isNaN(signedAtMs) || presented.length !== 32) return { ok: false, reason: 'malformed' };
  let matched = false;
  for (const secret of input.secrets) matched = sameDigest(presented, hmac(secret, timestamp, input.body)) || matched;
  if (!matched) return { ok: false, reason: 'mismatch' };
  return withinTolerance(signedAtMs, input.now, input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS);
}
