/**
 * The body of a JSON route: only `application/json` is read (415 otherwise). A browser sends a
 * cross-origin `text/plain` or form POST without asking first (no CORS preflight), so reading
 * any content type as JSON would let another site post into these routes.
 */
import express, { type Request, type Response } from 'express';
import { sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';

type BodyParser = ReturnType<typeof express.json>;

/** 415 for a body that is not `application/json`, else the parsed body (at most `limit`). */
export function jsonBody(limit: string): BodyParser {
  const parse = express.json({ limit, type: 'application/json' });
  // Typed like express.json (node's request and response), so a route keeps its own params type;
  // express hands every middleware its own Request and Response.
  return (req, res, next) => {
    // null: no body at all, which the route's schema answers (an empty `{}` is fine for some).
    if ((req as Request).is('application/json') === false) {
      return sendError(res as Response, 415, 'unsupported_media_type', requestLocale(req as Request));
    }
    parse(req, res, next);
  };
}
