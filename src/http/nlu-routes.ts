/**
 * `POST /api/nlu/parse` `{text, locale?}` → what the assistant understands of one message
 * (DESIGN.md, contract: language understanding).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { LanguageUnderstanding } from '../nlu/index.ts';
import { localeSchema } from '../validation/ticket.ts';
import { sendError } from './http-errors.ts';
import { jsonBody } from './json-body.ts';
import { requestLocale } from './request-locale.ts';

/** Longer than any message the bot itself accepts. */
const MAX_TEXT = 5000;

const parseBodySchema = z.object({
  text: z.string().min(1).max(MAX_TEXT),
  locale: localeSchema.optional(),
});

export function nluRoutes(understanding: LanguageUnderstanding): Router {
  const routes = express.Router();
  routes.post('/parse', jsonBody('16kb'), (req, res) => {
    const body = parseBodySchema.safeParse(req.body);
    if (!body.success) {
      const fields = [...new Set(body.error.issues.map((i) => String(i.path[0] ?? 'body')))];
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields });
    }
    res.json(understanding.parse(body.data.text, body.data.locale));
  });
  return routes;
}
