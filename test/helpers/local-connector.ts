/**
 * A Bot Framework connector on 127.0.0.1 (port 0), standing in for the service a channel's
 * `serviceUrl` points at: it records every `POST /v3/conversations/:id/activities(/:replyTo)`
 * and answers `{id}`, as the real one does. Tests read what the bot sent the merchant here.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorActivity {
  conversationId: string;
  replyToId?: string;
  authorization?: string;
  activity: {
    type: string;
    text?: string;
    replyToId?: string;
    suggestedActions?: { actions: Array<{ type: string; title: string; value: unknown }> };
  };
}

export interface LocalConnector {
  /** The serviceUrl activities carry (with its trailing slash, like the real ones). */
  url: string;
  received: ConnectorActivity[];
  /** Texts sent into one conversation, in order. */
  texts(conversationId: string): string[];
  /** Waits until a text sent into the conversation matches `pattern`. */
  waitFor(conversationId: string, pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;

export async function startLocalConnector(): Promise<LocalConnector> {
  const received: ConnectorActivity[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const match = ACTIVITIES.exec(req.url ?? '');
      if (req.method !== 'POST' || !match?.[1]) {
        res.writeHead(404).end();
        return;
      }
      received.push({
        conversationId: decodeURIComponent(match[1]),
        ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        activity: JSON.parse(body) as ConnectorActivity['activity'],
      });
      next += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sent-${next}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const texts = (conversationId: string) =>
    received.filter((r) => r.conversationId === conversationId).map((r) => r.activity.text ?? '');
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    texts,
    async waitFor(conversationId, pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = texts(conversationId).find((text) => pattern.test(text));
        if (found !== undefined) return found;
        if (Date.now() > deadline) {
          throw new Error(`nothing matching ${pattern} in ${conversationId}: ${JSON.stringify(texts(conversationId))}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
