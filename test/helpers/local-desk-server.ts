/**
 * A support desk on 127.0.0.1 (port 0) for connector and outbox tests. It speaks enough of
 * Zendesk's API (create with Idempotency-Key, list by external_id, update) and accepts generic
 * webhook POSTs on any other path, records every request, and can be told to misbehave:
 * answer an error status, hang, cut the connection (before or after acting), or go down and
 * come back on the same port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Cut the connection without an answer; `afterActing`: after creating/updating, as if the answer was lost. */
  | { kind: 'destroy'; afterActing?: boolean };

export interface RemoteTicket {
  id: number;
  externalId: string;
  status: string;
  tags: string[];
  /** Comment bodies, first one the description. */
  comments: string[];
  /** The create request body as received. */
  created: unknown;
}

export interface LocalDeskServer {
  url: string;
  requests: RecordedRequest[];
  /** Remote tickets by remote id, in creation order. */
  tickets: RemoteTicket[];
  /** The next `times` requests (only those `match` accepts, if given) get this fault. */
  failNext(fault: Fault, times?: number, match?: (request: RecordedRequest) => boolean): void;
  /** Every request gets this fault until `heal()`. */
  failAlways(fault: Fault): void;
  heal(): void;
  /** Stops listening and drops connections: requests now fail with ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export const ZENDESK_EMAIL = 'agent@example.com';
export const ZENDESK_TOKEN = 'zendesk-api-token-for-tests';

interface StoredAnswer {
  bodyText: string;
  status: number;
  answer: unknown;
}

export async function startLocalDesk(): Promise<LocalDeskServer> {
  const requests: RecordedRequest[] = [];
  const tickets: RemoteTicket[] = [];
  const byKey = new Map<string, StoredAnswer>();
  const queued: Array<{ fault: Fault; match?: (request: RecordedRequest) => boolean }> = [];
  let sticky: Fault | undefined;
  const sockets = new Set<Socket>();
  const expectedAuth = `Basic ${Buffer.from(`${ZENDESK_EMAIL}/token:${ZENDESK_TOKEN}`).toString('base64')}`;

  function createTicket(externalId: string, created: unknown, status = 'new'): RemoteTicket {
    const body = (created as { ticket?: { comment?: { body?: string }; tags?: string[] } }).ticket;
    const ticket = {
      id: 1001 + tickets.length,
      externalId,
      status,
      tags: [...(body?.tags ?? [])],
      comments: body?.comment?.body ? [body.comment.body] : [],
      created,
    };
    tickets.push(ticket);
    return ticket;
  }

  /** Zendesk-like behaviour; returns [status, JSON answer, extra headers]. */
  function act(req: RecordedRequest): [number, unknown, Record<string, string>?] {
    const url = new URL(req.path, 'http://desk');
    const key = req.headers['idempotency-key'] as string | undefined;
    if (url.pathname.startsWith('/api/v2/')) {
      if (req.headers.authorization !== expectedAuth) return [401, { error: "Couldn't authenticate you" }];
      if (req.method === 'GET' && url.pathname === '/api/v2/tickets.json') {
        const found = tickets.filter((t) => t.externalId === url.searchParams.get('external_id'));
        return [200, { tickets: found.map((t) => ({ id: t.id, external_id: t.externalId, status: t.status })) }];
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/tickets.json') {
        const previous = key ? byKey.get(key) : undefined;
        if (previous && previous.bodyText !== req.body) {
          return [400, { error: 'IdempotentRequestError', description: "Request parameters don't match" }];
        }
        if (previous) return [previous.status, previous.answer, { 'x-idempotency-lookup': 'hit' }];
        const externalId = (req.json as { ticket?: { external_id?: string } }).ticket?.external_id ?? '';
        const ticket = createTicket(externalId, req.json);
        const answer = { ticket: { id: ticket.id, external_id: externalId, status: ticket.status } };
        if (key) byKey.set(key, { bodyText: req.body, status: 201, answer });
        return [201, answer, { 'x-idempotency-lookup': 'miss' }];
      }
      const update = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(url.pathname);
      if (req.method === 'PUT' && update) {
        const ticket = tickets.find((t) => t.id === Number(update[1]));
        if (!ticket) return [404, { error: 'RecordNotFound' }];
        const body = (req.json as { ticket: Record<string, unknown> }).ticket;
        const comment = (body.comment as { body?: string } | undefined)?.body;
        if (comment) ticket.comments.push(comment);
        if (typeof body.status === 'string') ticket.status = body.status;
        const removed = (body.remove_tags as string[] | undefined) ?? [];
        ticket.tags = [
          ...ticket.tags.filter((t) => !removed.includes(t)),
          ...((body.additional_tags as string[]) ?? []),
        ];
        return [200, { ticket: { id: ticket.id, status: ticket.status } }];
      }
      return [404, { error: 'InvalidEndpoint' }];
    }
    // A generic webhook receiver that dedupes by Idempotency-Key, as the connector asks receivers to.
    if (req.method !== 'POST') return [405, {}];
    const previous = key ? byKey.get(key) : undefined;
    if (previous) return [previous.status, previous.answer];
    const event = req.json as { event?: string; ticket?: { id: string; status: string } };
    let answer: unknown = { ok: true };
    if (event.event === 'filed' && event.ticket) {
      answer = { remoteId: String(createTicket(event.ticket.id, req.json, event.ticket.status).id) };
    } else if (event.ticket) {
      const ticket = tickets.find((t) => t.externalId === event.ticket?.id);
      if (ticket) ticket.status = event.ticket.status;
    }
    if (key) byKey.set(key, { bodyText: req.body, status: 200, answer });
    return [200, answer];
  }

  async function onRequest(message: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of message) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const req = { method: message.method ?? 'GET', path: message.url ?? '/', headers: message.headers, body, json };
    requests.push(req);
    const index = queued.findIndex((entry) => !entry.match || entry.match(req));
    const fault = index >= 0 ? queued.splice(index, 1)[0]?.fault : sticky;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'destroy' && !fault.afterActing) return void res.socket?.destroy();
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
      });
      return void res.end(fault.body ?? JSON.stringify({ error: 'Fault' }));
    }
    const [status, answer, headers] = act(req);
    if (fault?.kind === 'destroy') return void res.socket?.destroy();
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(answer));
  }

  const server = createServer((req, res) => void onRequest(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tickets,
    failNext(fault, times = 1, match) {
      for (let i = 0; i < times; i++) queued.push({ fault, ...(match ? { match } : {}) });
    },
    failAlways(fault) {
      sticky = fault;
    },
    heal() {
      sticky = undefined;
      queued.length = 0;
    },
    down: stop,
    up: async () => void (await listen(port)),
    close: stop,
  };
}
