/**
 * `GET /documents/:documentId?expires=&sig=`: an uploaded document behind a signed, short-lived
 * address (src/documents/signed-urls.ts), for the external desks' agents, who have no reviewer
 * token. Expired or altered → 403; the file is shown, never run, and never cached.
 */
import express, { type Router } from 'express';
import type { DocumentStore } from '../documents/document-store.ts';
import type { DocumentUrlSigner } from '../documents/signed-urls.ts';
import { sendError } from './http-errors.ts';
import { requestLocale } from './request-locale.ts';

export function signedDocumentRoutes(deps: { signer: DocumentUrlSigner; documents: DocumentStore }): Router {
  const routes = express.Router();
  routes.get('/documents/:documentId', async (req, res) => {
    const locale = requestLocale(req);
    const check = deps.signer.check(req.params.documentId, req.query.expires, req.query.sig);
    res.set('Cache-Control', 'no-store');
    if (check !== 'valid') return sendError(res, 403, check === 'expired' ? 'link_expired' : 'link_invalid', locale);
    const found = await deps.documents.get(req.params.documentId);
    if (!found) return sendError(res, 404, 'not_found', locale);
    res.set('Content-Disposition', `inline; filename="${req.params.documentId}"`);
    res.set('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.set('Referrer-Policy', 'no-referrer');
    res.type(found.contentType).send(found.bytes);
  });
  return routes;
}
