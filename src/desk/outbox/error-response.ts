/**
 * Error answers for the desk integration routes, in the shape every route uses
 * (`{error: {code, message}}`), for codes that http-errors.ts does not know; wording in
 * locales/<lng>/outbox.json.
 */
import type { Response } from 'express';
import { t } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';

export type OutboxErrorCode = 'invalid_signature' | 'outbox_item_not_found' | 'outbox_item_not_parked';

export function sendOutboxError(res: Response, status: number, code: OutboxErrorCode, locale: Locale): void {
  res.status(status).json({ error: { code, message: t(locale, `outbox:error.${code}`) } });
}
