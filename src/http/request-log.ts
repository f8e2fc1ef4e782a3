/**
 * One structured log line per request: method, route, status, duration. Never the body, the
 * query string or any header, since those carry personal data and tokens.
 */
import type { Request, RequestHandler } from 'express';
import { type Logger, scrubPersonalData } from '../platform/logger.ts';

/** The matched route pattern (`/api/desk/tickets/:id`), so ids stay out of the log. */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  // Unmatched and static paths: no query string, scrubbed, bounded.
  return scrubPersonalData(req.originalUrl.split('?')[0] ?? '').slice(0, 200);
}

export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      logger.info(
        {
          method: req.method,
          route: routeOf(req),
          status: res.statusCode,
          ms,
          // A stream the client left, or a response cut short.
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'http request',
      );
    });
    next();
  };
}
