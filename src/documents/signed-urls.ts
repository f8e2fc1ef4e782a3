/**
 * Signed, short-lived addresses of uploaded documents, for the external desks (webhook, Zendesk):
 * their agents have no reviewer token, so a `document:<id>` reference in a ticket they receive
 * becomes `<PUBLIC_BASE_URL>/documents/<id>?expires=<unix seconds>&sig=<hex HMAC-SHA256>`.
 * The signature covers the id and the expiry; anything else changed, or the time passed, is 403.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../platform/clock-and-ids.ts';
import { DOCUMENT_ID, DOCUMENT_REFERENCE_PREFIX, isDocumentReference } from '../validation/fields.ts';
import type { Ticket } from '../validation/ticket.ts';

/** Seven days: how long the desk's review may take (README "Documents"). */
export const DEFAULT_DOCUMENT_URL_TTL_SECONDS = 7 * 24 * 60 * 60;

export const documentUrlSettingsShape = {
  /** Signs document addresses; generated once and kept in DATA_DIR when unset. */
  DOCUMENT_URL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a signed document address stays valid, in seconds (one minute to 90 days). */
  DOCUMENT_URL_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(90 * 24 * 60 * 60)
    .default(DEFAULT_DOCUMENT_URL_TTL_SECONDS),
  /** The address the desks reach this service at (scheme and host, maybe a path prefix). */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
};

export type DocumentUrlCheck = 'valid' | 'expired' | 'invalid';

export interface DocumentUrlSigner {
  /** The signed address of one document, valid `ttlSeconds` from `from` (the clock's now by default). */
  urlFor(documentId: string, from?: Date): string;
  /** Checks an address's `expires` and `sig` for this document, in constant time. */
  check(documentId: string, expires: unknown, sig: unknown): DocumentUrlCheck;
  /**
   * The ticket as an external desk sees it: each `document:<id>` a signed address. The expiry
   * counts from the ticket's last change, so every retry of one delivery carries the same body
   * (Zendesk refuses a replayed idempotency key with a different body).
   */
  forExternalDesk(ticket: Ticket): Ticket;
}

export function createDocumentUrlSigner(options: {
  secret: string;
  ttlSeconds: number;
  baseUrl: string;
  clock: Clock;
}): DocumentUrlSigner {
  const base = options.baseUrl.replace(/\/+$/, '');
  const signature = (documentId: string, expires: number) =>
    createHmac('sha256', options.secret).update(`${documentId}\n${expires}`).digest();

  const urlFor = (documentId: string, from = options.clock.now()) => {
    const expires = Math.floor(from.getTime() / 1000) + options.ttlSeconds;
    const sig = signature(documentId, expires).toString('hex');
    return `${base}/documents/${encodeURIComponent(documentId)}?expires=${expires}&sig=${sig}`;
  };

  return {
    urlFor,
    check(documentId, expires, sig) {
      if (!DOCUMENT_ID.test(documentId) || typeof expires !== 'string' || typeof sig !== 'string') return 'invalid';
      if (!/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return 'invalid';
      const expected = signature(documentId, Number(expires));
      // Signature first, in constant time: an expired address is told apart only when it is genuine.
      if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'invalid';
      return Number(expires) * 1000 <= options.clock.now().getTime() ? 'expired' : 'valid';
    },
    forExternalDesk(ticket) {
      const from = new Date(ticket.updatedAt);
      const documents = Object.fromEntries(
        Object.entries(ticket.fields.documents).map(([name, value]) => [
          name,
          isDocumentReference(value) ? urlFor(value.slice(DOCUMENT_REFERENCE_PREFIX.length), from) : value,
        ]),
      ) as Ticket['fields']['documents'];
      return { ...ticket, fields: { ...ticket.fields, documents } };
    },
  };
}

/** Where a generated signing secret is kept, in DATA_DIR. */
export function documentUrlSecretFile(dataDir: string): string {
  return path.resolve(dataDir, 'document-url-secret');
}

/**
 * DOCUMENT_URL_SECRET, or one generated on the first run and kept in DATA_DIR (readable by this
 * user only), so addresses already sent stay valid across restarts.
 */
export function documentUrlSecret(config: { DOCUMENT_URL_SECRET?: string | undefined; DATA_DIR?: string }): string {
  if (config.DOCUMENT_URL_SECRET) return config.DOCUMENT_URL_SECRET;
  const dataDir = config.DATA_DIR ?? './data';
  const file = documentUrlSecretFile(dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** PUBLIC_BASE_URL, or this machine's own address when it is not set (a local run). */
export function documentUrlBase(config: { PUBLIC_BASE_URL?: string | undefined; PORT?: number }): string {
  return config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT ?? 3978}`;
}
