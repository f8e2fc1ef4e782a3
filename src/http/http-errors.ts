/**
 * Every error response has one shape, `{error: {code, message}}`, with the message a sentence
 * from locales/<lng>/http.json in the reader's language. Nothing internal (stack, input) leaks.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { t } from '../i18n/translate.ts';
import type { Logger } from '../platform/logger.ts';
import { StorageTimeoutError } from '../storage/versioned-store.ts';
import type { Locale } from '../validation/ticket.ts';
import { TICKET_FIELD_NAMES } from '../validation/ticket.ts';
import { requestLocale } from './request-locale.ts';

export type HttpErrorCode =
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_query'
  | 'invalid_conversation_id'
  | 'invalid_path'
  | 'payload_too_large'
  | 'unsupported_encoding'
  | 'unsupported_media_type'
  | 'bad_request'
  | 'unauthorized'
  | 'rate_limited'
  | 'too_many_conversations'
  | 'too_many_streams'
  | 'not_found'
  | 'link_expired'
  | 'link_invalid'
  | 'ticket_not_found'
  | 'invalid_transition'
  | 'invalid_fields'
  | 'storage_unavailable'
  | 'internal_error';

export interface ErrorExtras {
  /** Which request fields were wrong (names only, never their values). */
  fields?: string[];
  /** A reference the merchant can quote to support; the same one is in the log. */
  reference?: string;
}

export function sendError(
  res: Response,
  status: number,
  code: HttpErrorCode,
  locale: Locale,
  extras: ErrorExtras = {},
  /** More values the message names (not sent as fields of their own). */
  vars: Record<string, string | number> = {},
) {
  const message = t(locale, `http:error.${code}`, {
    fields: extras.fields?.join(', ') ?? '',
    reference: extras.reference ?? '',
    allowed: TICKET_FIELD_NAMES.join(', '),
    ...vars,
  });
  res.status(status).json({ error: { code, message, ...extras } });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', requestLocale(req));
};

/** body-parser's error types, as the client should hear them. */
const BODY_ERRORS: Record<string, { status: number; code: HttpErrorCode }> = {
  'entity.parse.failed': { status: 400, code: 'invalid_json' },
  'entity.too.large': { status: 413, code: 'payload_too_large' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_encoding' },
};

/** How long a client told "storage unavailable" waits: a few timeouts' worth. */
const STORAGE_RETRY_AFTER_S = 5;

interface HttpishError {
  type?: string;
  status?: number;
  expose?: boolean;
  /** body-parser's limit in bytes, on entity.too.large: each route sets its own. */
  limit?: number;
}

export function createErrorHandler(logger: Logger, newReference: () => string): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    // Once a response has started (an event stream), only the connection can be closed.
    if (res.headersSent) return next(err);
    const locale = requestLocale(req);
    const httpish = (typeof err === 'object' && err !== null ? err : {}) as HttpishError;
    const known = httpish.type ? BODY_ERRORS[httpish.type] : undefined;
    if (known) {
      // The route's own limit, so a 16 KB route does not claim 64 KB.
      const limit: Record<string, number> =
        typeof httpish.limit === 'number' ? { limitKb: Math.round(httpish.limit / 1024) } : {};
      return sendError(res, known.status, known.code, locale, {}, limit);
    }
    // The router decodes path parameters; a broken `%` escape is the client's mistake, not ours.
    if (err instanceof URIError) return sendError(res, 400, 'invalid_path', locale);
    if (httpish.expose && httpish.status && httpish.status >= 400 && httpish.status < 500) {
      return sendError(res, httpish.status, 'bad_request', locale);
    }
    // A frozen or overloaded store: the client may try again shortly (the load balancer sees /readyz).
    // Not a 500: nothing is wrong with the request, and a turn's writes are one atomic commit, so a
    // retry with the same messageId finds the whole turn or none of it.
    const timedOut = storageTimeoutIn(err);
    if (timedOut) {
      logger.warn(
        { code: 'http.storage_timeout', operation: timedOut.operation, method: req.method },
        'storage timed out',
      );
      res.set('Retry-After', String(STORAGE_RETRY_AFTER_S));
      return sendError(res, 503, 'storage_unavailable', locale);
    }
    const reference = newReference();
    // The logger's serializer scrubs personal data from the message and drops the stack.
    logger.error({ err, code: 'http.unhandled', reference, method: req.method }, 'request failed');
    sendError(res, 500, 'internal_error', locale, { reference });
  };
}

/** The StorageTimeoutError behind `err`, if any (a library on the way may have wrapped it as a cause). */
function storageTimeoutIn(err: unknown): StorageTimeoutError | undefined {
  for (let cause = err, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof StorageTimeoutError) return cause;
  }
  return undefined;
}

/** Names of the fields that failed, for the error message; never their values. */
export function failedFields(error: z.ZodError): string[] {
  const names = error.issues.map((issue) => issue.path.map(String).join('.') || 'body');
  return [...new Set(names)];
}
