/**
 * The web chat page (public/) and the one message catalog it reads, locales/<lng>/webchat.json.
 * Only that namespace is served: the others hold agent and server wording the page never needs.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { isLocale, LOCALES_DIR } from '../i18n/translate.ts';
import { notFoundHandler } from './http-errors.ts';

export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');

export function staticRoutes(): Router {
  const routes = express.Router();

  routes.get('/locales/:lng/webchat.json', (req, res, next) => {
    const { lng } = req.params;
    if (!isLocale(lng)) {
      notFoundHandler(req, res, next);
      return;
    }
    // Revalidate each time, so a catalog fix reaches phones that already have the page.
    res.sendFile(path.join(LOCALES_DIR, lng, 'webchat.json'), { headers: { 'Cache-Control': 'no-cache' } });
  });

  routes.use(
    express.static(PUBLIC_DIR, {
      index: 'index.html',
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  return routes;
}
