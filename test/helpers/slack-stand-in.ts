/**
 * Slack's Web API on 127.0.0.1 (port 0), for tests: records every call (method, form fields,
 * Authorization) and answers `{ok: true, ts}`; auth.test names the bot. Point SLACK_API_URL at
 * `url` (which ends in /api/). It can be told to fail the next calls.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_BOT_USER = 'UBOT0001';
export const STAND_IN_BOT_ID = 'BBOT0001';

export interface SlackApiCall {
  method: string;
  authorization: string | undefined;
  /** Form fields as sent; `blocks` is still JSON text, see `buttonsOf`. */
  fields: Record<string, string>;
  /** The `ts` the stand-in gave a posted message (what a button click refers to). */
  ts?: string;
}

export interface SlackStandIn {
  url: string;
  calls: SlackApiCall[];
  /** chat.postMessage calls only. */
  posts(): SlackApiCall[];
  /** The next `times` calls of `method` answer `{ok: false, error}` (status 200, as Slack does). */
  failNext(method: string, error: string, times?: number): void;
  /** Resolves once `count` chat.postMessage calls have arrived (or rejects after `timeoutMs`). */
  waitForPosts(count: number, timeoutMs?: number): Promise<SlackApiCall[]>;
  close(): Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: SlackApiCall[] = [];
  const failures: { method: string; error: string; times: number }[] = [];
  let ts = 1_700_000_000;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const type = req.headers['content-type'] ?? '';
      const fields = type.includes('json')
        ? (JSON.parse(raw || '{}') as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      const call: SlackApiCall = { method, authorization: req.headers.authorization, fields };
      calls.push(call);
      res.setHeader('content-type', 'application/json');
      const failure = failures.find((f) => f.method === method && f.times > 0);
      if (failure) {
        failure.times -= 1;
        res.end(JSON.stringify({ ok: false, error: failure.error }));
        return;
      }
      if (method === 'auth.test') {
        res.end(JSON.stringify({ ok: true, user_id: STAND_IN_BOT_USER, bot_id: STAND_IN_BOT_ID, team_id: 'T0001' }));
        return;
      }
      ts += 1;
      call.ts = `${ts}.000100`;
      res.end(JSON.stringify({ ok: true, channel: fields.channel, ts: call.ts }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const posts = () => calls.filter((call) => call.method === 'chat.postMessage');
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    posts,
    failNext: (method, error, times = 1) => void failures.push({ method, error, times }),
    async waitForPosts(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (posts().length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} posts, got ${posts().length}: ${JSON.stringify(posts())}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return posts();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The buttons' values of a posted message (its `blocks` field). */
export function buttonsOf(call: SlackApiCall): string[] {
  const blocks = JSON.parse(call.fields.blocks ?? '[]') as { type: string; elements?: { value?: string }[] }[];
  return blocks.flatMap((block) => (block.type === 'actions' ? (block.elements ?? []).map((e) => e.value ?? '') : []));
}
