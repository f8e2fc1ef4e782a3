/**
 * What the reviewer's page (public/desk/, served at /desk/) reads besides the desk API: its own
 * catalog, locales/<lng>/desk.json, and the form's field, condition and reason labels from
 * locales/<lng>/unbind.json, so a ticket is labelled in the very words the merchant saw.
 * Only those label sections of unbind.json are served, not its prompts. Also the lists the page
 * shares with the server, as `/desk/contract.js`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Response, type Router } from 'express';
import { DECIDABLE_STATUSES } from '../desk/builtin-desk.ts';
import { DECISION_NOTE_MAX, DECISIONS } from '../desk/support-desk.ts';
import { isLocale, LOCALES_DIR } from '../i18n/translate.ts';
import { TICKET_FIELD_NAMES, TICKET_STATUSES, ticketDocumentsSchema } from '../validation/ticket.ts';
import { notFoundHandler } from './http-errors.ts';

/**
 * The page has no build step, so what it shares with the server (fields a reviewer can name,
 * documents, statuses and which can be decided, decisions, the note limit) is served as a module
 * made from the server's own constants.
 */
export const DESK_CONTRACT_MODULE = [
  `export const FIELD_NAMES = ${JSON.stringify(TICKET_FIELD_NAMES)};`,
  `export const DOCUMENTS = ${JSON.stringify(ticketDocumentsSchema.keyof().options)};`,
  `export const STATUSES = ${JSON.stringify(TICKET_STATUSES)};`,
  `export const DECIDABLE = ${JSON.stringify(DECIDABLE_STATUSES)};`,
  `export const DECISIONS = ${JSON.stringify(DECISIONS)};`,
  `export const NOTE_MAX = ${DECISION_NOTE_MAX};`,
  '',
].join('\n');

/** The parts of unbind.json a ticket's fields are labelled with. */
export const UNBIND_LABEL_SECTIONS = ['label', 'condition', 'reason'] as const;

async function readCatalog(lng: string, namespace: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(LOCALES_DIR, lng, `${namespace}.json`), 'utf8'));
}

function sendCatalog(res: Response, catalog: Record<string, unknown>) {
  // Revalidate each time, so a catalog fix reaches pages already open.
  res.set('Cache-Control', 'no-cache').json(catalog);
}

export function reviewerRoutes(): Router {
  const routes = express.Router();

  routes.get('/desk/contract.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('text/javascript').send(DESK_CONTRACT_MODULE);
  });

  routes.get('/locales/:lng/desk.json', async (req, res, next) => {
    if (!isLocale(req.params.lng)) {
      notFoundHandler(req, res, next);
      return;
    }
    sendCatalog(res, await readCatalog(req.params.lng, 'desk'));
  });

  routes.get('/locales/:lng/unbind.json', async (req, res, next) => {
    if (!isLocale(req.params.lng)) {
      notFoundHandler(req, res, next);
      return;
    }
    const unbind = await readCatalog(req.params.lng, 'unbind');
    sendCatalog(res, Object.fromEntries(UNBIND_LABEL_SECTIONS.map((section) => [section, unbind[section]])));
  });

  return routes;
}
