/**
 * A Bolt receiver on our own express server (Bolt's receivers only turn HTTP into
 * `app.processEvent`; this one does the same on the routes we mount). Every request is checked
 * in this order, before anything is read or stored: the body's size (413), Slack's signature and
 * timestamp (401), the body's shape (400). The answer waits for the listeners, so a 200 means the
 * merchant's message is committed; when a turn fails Slack gets a 500 and retries, and the
 * retry, with the same event_id, is processed once.
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import express, { type Request, type Response, type Router } from 'express';
import { sendError } from '../../http/http-errors.ts';
import { requestLocale } from '../../http/request-locale.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { Logger } from '../../platform/logger.ts';
import { isSignedBySlack } from './slack-signature.ts';

/** Slack's events and interactions are a few kilobytes; Bolt allows 4 MB, we need far less. */
export const SLACK_BODY_LIMIT = '256kb';

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): Body | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Events come as JSON; interactions (button clicks) as a form whose `payload` field is JSON. */
function parseSlackBody(raw: string, contentType: string | undefined): Body | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return parseJson(raw);
  if (type === 'application/x-www-form-urlencoded') {
    const payload = new URLSearchParams(raw).get('payload');
    return payload === null ? undefined : parseJson(payload);
  }
  return undefined;
}

/** X-Slack-Retry-Num as Bolt's receivers pass it on (context.retryNum). */
function retryNumOf(req: Request): number | undefined {
  const raw = req.get('x-slack-retry-num');
  return raw && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}

export class SlackExpressReceiver implements Receiver {
  private app: App | undefined;
  readonly routes: Router;

  constructor(private readonly deps: { signingSecret: string; clock: Clock; logger: Logger }) {
    this.routes = express.Router();
    // Raw bytes: the signature is over the body exactly as sent, before any parsing.
    const raw = express.raw({ type: () => true, limit: SLACK_BODY_LIMIT });
    // Events and interactivity share Bolt's default path; /actions too, for an app configured that way.
    this.routes.post(['/events', '/actions'], raw, (req, res) => this.handle(req, res));
  }

  init(app: App): void {
    this.app = app;
  }

  // The HTTP server is ours (server.ts starts it): nothing to start or stop here.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  private async handle(req: Request, res: Response): Promise<void> {
    const locale = requestLocale(req);
    const rawBody = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const signed = isSignedBySlack(
      { timestamp: req.get('x-slack-request-timestamp'), signature: req.get('x-slack-signature'), rawBody },
      this.deps.signingSecret,
      this.deps.clock,
    );
    if (!signed) {
      this.deps.logger.warn({ code: 'slack.unsigned_request' }, 'Slack request refused: bad signature or timestamp');
      return sendError(res, 401, 'unauthorized', locale);
    }
    const body = parseSlackBody(rawBody, req.get('content-type'));
    if (!body) return sendError(res, 400, 'invalid_json', locale);
    if (body.type === 'url_verification') {
      if (typeof body.challenge !== 'string') return sendError(res, 400, 'invalid_body', locale);
      res.json({ challenge: body.challenge });
      return;
    }
    if (!this.app) throw new Error('Slack receiver used before Bolt initialised it');
    let answer: unknown;
    const retryNum = retryNumOf(req);
    const retryReason = req.get('x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
      ack: async (response?: unknown) => {
        answer = response;
      },
    };
    // A failure rejects here: express's error handler answers 500 and Slack retries the delivery.
    await this.app.processEvent(event);
    if (answer === undefined || answer === '') res.status(200).end();
    else if (typeof answer === 'string') res.status(200).type('text/plain').send(answer);
    else res.status(200).json(answer);
  }
}
