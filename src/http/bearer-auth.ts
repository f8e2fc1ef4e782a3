/**
 * `Authorization: Bearer <token>` for machine clients (the desk API). Tokens are compared in
 * constant time, so response timing does not reveal how much of a guess was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, which timingSafeEqual requires.
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Whether `presented` equals `expected`, taking the same time for any wrong guess. */
export function tokensMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerTokenOf(req: Request): string | undefined {
  return BEARER.exec(req.get('authorization') ?? '')?.[1];
}

/** Rejects requests without the expected token; with no token configured, rejects them all. */
export function requireBearerToken(expected: string | undefined): RequestHandler {
  return (req, res, next) => {
    const presented = bearerTokenOf(req);
    if (expected && presented && tokensMatch(presented, expected)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, 'unauthorized', requestLocale(req));
  };
}
