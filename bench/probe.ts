/**
 * `npm run probe -- --url http://127.0.0.1:3978 --desk-token <token> [--quick]`: replays the attacks
 * of issue 8 against a running server and prints, for each, how many tries were made, how many the
 * server held and how many broke through; the last line is `broke: N` (exit code 1 when N > 0).
 *
 * Loopback only (it opens thousands of connections: never point it at someone else's server), every
 * loop bounded and every call under a timeout, so it ends by itself. Clients are spread over
 * 127.0.0.0/8 source addresses, as a botnet would be, so the per-address limits do not hide what the
 * per-conversation and per-ticket limits hold. Bounds are the server's defaults (README "Configuration").
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { t } from '../src/i18n/translate.ts';
import { CONVERSATION } from './bench-setup.ts';

/** The server's default limits, which the probe measures against. */
const LIMITS = {
  conversationsPerAddressPerMinute: 30,
  messagesPerAddressPerMinute: 120,
  streamsPerConversation: 5,
  streamsMax: 1000,
  callbacksPerDay: 3,
  statusTriesPerHour: 3,
};

const SIZES = {
  // 2,000 streams over 300 conversations: more than each conversation's cap and than the process's.
  full: { guesses: 300, streams: 2000, streamConversations: 300, agentRequests: 300, ticketBurst: 40 },
  quick: { guesses: 30, streams: 200, streamConversations: 20, agentRequests: 60, ticketBurst: 12 },
};

const CALL_TIMEOUT_MS = 15_000;
const PROBE_DEADLINE_MS = { full: 240_000, quick: 90_000 };

interface Row {
  attack: string;
  tried: number;
  held: number;
  broke: number;
  detail: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'desk-token': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`probe: ${message}\n`);
  process.exit(2);
}

if (!args.url) fail('--url http://127.0.0.1:PORT is required');
if (!args['desk-token'])
  fail('--desk-token is required (call-back requests and desk answers are read through the desk API)');
const base = new URL(args.url);
const host = base.hostname === 'localhost' ? '127.0.0.1' : base.hostname;
// Only the IPv4 loopback: the probe's clients are addresses of 127.0.0.0/8.
if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || base.protocol !== 'http:') {
  fail(`refusing ${base.origin}: the probe only runs against http://127.x.x.x or http://localhost`);
}
const port = Number(base.port || 80);
const deskToken = args['desk-token'];
const size = args.quick ? SIZES.quick : SIZES.full;
const deadline = Date.now() + (args.quick ? PROBE_DEADLINE_MS.quick : PROBE_DEADLINE_MS.full);

/** A different random /16 each run, so a second run within a minute does not meet the first one's counts. */
const net16 = 2 + Math.floor(Math.random() * 250);
let nextClient = 0;
function newClientAddress(): string {
  const n = nextClient++;
  return `127.${net16}.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}

function call(
  method: string,
  path: string,
  options: { from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, headers: http.IncomingHttpHeaders, text: string) =>
      resolve({ status, headers, text, ms: performance.now() - started });
    const request = http.request(
      {
        host,
        port,
        method,
        path,
        headers: {
          ...(options.body !== undefined ? { 'content-length': Buffer.byteLength(options.body) } : {}),
          ...options.headers,
        },
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        timeout: CALL_TIMEOUT_MS,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => done(response.statusCode ?? 0, response.headers, text));
        response.on('error', (error) => done(0, {}, String(error)));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => done(0, {}, String(error)));
    request.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };
const desk = { authorization: `Bearer ${deskToken}` };

interface Chat {
  id: string;
  token: string;
  from: string;
}

async function startChat(from = newClientAddress()): Promise<Chat | undefined> {
  const answer = await call('POST', '/api/webchat/conversations', { from, headers: json, body: '{"locale":"zh-CN"}' });
  if (answer.status !== 201) return undefined;
  const { conversationId, token } = JSON.parse(answer.text) as { conversationId: string; token: string };
  return { id: conversationId, token, from };
}

function say(chat: Chat, text: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  return call('POST', '/api/webchat/messages', {
    from: chat.from,
    headers: { ...json, authorization: `Bearer ${chat.token}` },
    body: JSON.stringify({ conversationId: chat.id, text, ...extra }),
  });
}

const repliesOf = (answer: Answer): string =>
  answer.status === 200
    ? (JSON.parse(answer.text) as { replies: { text: string }[] }).replies.map((r) => r.text).join('\n')
    : '';

/** Runs `task` for 0..count-1, at most `width` at a time. */
async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}

/** A row of checks that each either held or broke. */
function checks(attack: string, results: { ok: boolean; what: string }[]): Row {
  const broken = results.filter((r) => !r.ok);
  return {
    attack,
    tried: results.length,
    held: results.length - broken.length,
    broke: broken.length,
    detail: broken.length ? `broke: ${broken.map((r) => r.what).join('; ')}` : results.map((r) => r.what).join(', '),
  };
}

/** Files the whole unbind conversation in one chat; returns the ticket number. */
async function fileTicket(chat: Chat): Promise<string | undefined> {
  let last = '';
  for (const text of CONVERSATION) {
    const answer = await say(chat, text);
    if (answer.status !== 200) return undefined;
    last = repliesOf(answer);
  }
  return /UB-\d{8}-\d{4}/.exec(last)?.[0];
}

async function crossOriginPosts(): Promise<Row> {
  const chat = await startChat();
  const evil = { origin: 'https://evil.example' };
  const tries: [string, string, string][] = [
    ['/api/webchat/conversations', 'text/plain', '{}'],
    ['/api/webchat/messages', 'text/plain', JSON.stringify({ conversationId: chat?.id, text: '人工' })],
    ['/api/webchat/messages', 'application/x-www-form-urlencoded', 'conversationId=x&text=y'],
    ['/api/webchat/messages', 'multipart/form-data; boundary=x', '--x--'],
    ['/api/nlu/parse', 'text/plain', '{"text":"我要解绑"}'],
  ];
  const results = [];
  for (const [path, type, body] of tries) {
    const headers = { ...evil, 'content-type': type, ...(chat ? { authorization: `Bearer ${chat.token}` } : {}) };
    const answer = await call('POST', path, { headers, body });
    const allowed = answer.headers['access-control-allow-origin'];
    results.push({ ok: answer.status === 415 && !allowed, what: `${type.split(';')[0]} → ${answer.status}` });
  }
  return checks('cross-origin non-JSON POST (415)', results);
}

async function missingTokens(): Promise<Row> {
  const [chat, other] = [await startChat(), await startChat()];
  if (!chat || !other)
    return checks('messages without/with wrong token (401)', [{ ok: false, what: 'no conversation' }]);
  const message = (authorization?: string) =>
    call('POST', '/api/webchat/messages', {
      from: chat.from,
      headers: { ...json, ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ conversationId: chat.id, text: '人工' }),
    });
  const events = (query: string) =>
    call('GET', `/api/webchat/conversations/${chat.id}/events${query}`, { from: chat.from });
  const tries: [string, Promise<Answer>][] = [
    ['no token', message()],
    ['wrong token', message('Bearer wrong-token-0123456789')],
    ["another chat's token", message(`Bearer ${other.token}`)],
    ['events, no token', events('')],
    ['events, wrong token', events('?token=wrong-token-0123456789')],
  ];
  const results = [];
  for (const [what, pending] of tries) {
    const answer = await pending;
    results.push({ ok: answer.status === 401, what: `${what} → ${answer.status}` });
  }
  // Nothing was written: the conversation's first real turn is still its first (no call-back filed).
  const callbacks = await call('GET', '/api/desk/callbacks', { headers: desk });
  const filed = callbacks.status === 200 && callbacks.text.includes(chat.id);
  results.push({
    ok: callbacks.status === 200 && !filed,
    what: `call-backs filed by refused messages: ${filed ? 'some' : 0}`,
  });
  return checks('messages without/with wrong token (401)', results);
}

async function badMessageIds(): Promise<Row> {
  const chat = await startChat();
  if (!chat) return checks('lone-surrogate / NUL message ids (400)', [{ ok: false, what: 'no conversation' }]);
  const first = await say(chat, '我要解绑', { messageId: '\ud800' });
  const second = await say(chat, '人工', { messageId: '\ud801' });
  const nul = await say(chat, '我要解绑', { messageId: 'probe\u0000id' });
  return checks('lone-surrogate / NUL message ids (400)', [
    { ok: first.status === 400, what: `\\ud800 → ${first.status}` },
    {
      ok: second.status === 400 && (first.status !== 200 || second.text !== first.text),
      what: `\\ud801 (another message) → ${second.status}`,
    },
    { ok: nul.status === 400, what: `NUL → ${nul.status}` },
  ]);
}

async function malformedPaths(): Promise<Row> {
  const results = [];
  for (const [path, headers] of [
    ['/api/desk/tickets/%E0%A4%A', desk],
    ['/api/webchat/conversations/%E0%A4%A/events', {}],
  ] as const) {
    const answer = await call('GET', path, { headers });
    results.push({ ok: answer.status === 400, what: `${path} → ${answer.status}` });
  }
  return checks('malformed % escape in a path (400)', results);
}

async function deskNoStore(ticketId: string | undefined): Promise<Row> {
  const paths = [
    '/api/desk/tickets',
    ...(ticketId ? [`/api/desk/tickets/${ticketId}`, `/api/desk/audit?ticketId=${ticketId}`] : []),
    '/api/desk/callbacks',
    '/api/desk/outbox/proactive',
  ];
  const results = [];
  for (const path of paths) {
    const answer = await call('GET', path, { headers: desk });
    const cache = String(answer.headers['cache-control'] ?? '');
    results.push({
      ok: answer.status === 200 && cache.includes('no-store'),
      what: `${path.split('?')[0]} ${answer.status}`,
    });
  }
  const refused = await call('GET', '/api/desk/tickets');
  const cache = String(refused.headers['cache-control'] ?? '');
  results.push({ ok: refused.status === 401 && cache.includes('no-store'), what: `no token ${refused.status}` });
  return checks('desk answers carry Cache-Control: no-store', results);
}

/** Many chats guess one real ticket's last four digits at the same moment. */
async function statusLookupGuesses(ticketId: string | undefined): Promise<Row> {
  const attack = `status-lookup guesses at once (${size.guesses} chats)`;
  if (!ticketId) return { attack, tried: 0, held: 0, broke: 1, detail: 'could not file the ticket to guess at' };
  const prompt = t('zh-CN', 'status:prompt.phoneLast4');
  const noMatch = t('zh-CN', 'status:noMatch');
  // Each guesser its own client address and chat, brought to the last-four question first.
  const guessers = (
    await inParallel(size.guesses, 50, async () => {
      const chat = await startChat();
      if (!chat) return undefined;
      await say(chat, '进度');
      const asked = repliesOf(await say(chat, ticketId));
      return asked.includes(prompt) ? chat : undefined;
    })
  ).filter((chat): chat is Chat => chat !== undefined);
  // Every guess is wrong (the ticket's phone ends in 5678), all sent at once.
  const answers = await Promise.all(
    guessers.map((chat, i) => say(chat, String(i === 5678 ? 9999 : i).padStart(4, '0'))),
  );
  const checked = answers.filter((a) => repliesOf(a).includes(noMatch) || repliesOf(a).includes(ticketId)).length;
  const failed = answers.filter((a) => a.status !== 200 && a.status !== 429).length;
  const broke = Math.max(0, checked - LIMITS.statusTriesPerHour) + failed;
  return {
    attack,
    tried: guessers.length,
    held: guessers.length - broke,
    broke,
    detail: `${checked} checked (limit ${LIMITS.statusTriesPerHour} an hour), ${failed} errors${guessers.length < size.guesses ? `; ${size.guesses - guessers.length} chats did not reach the question` : ''}`,
  };
}

/** 「人工」 sent many times at once in one conversation: call-backs filed ≤ the daily limit. */
async function agentRequests(): Promise<Row> {
  const attack = `「人工」 x${size.agentRequests} in one conversation`;
  const chat = await startChat();
  if (!chat) return { attack, tried: 0, held: 0, broke: 1, detail: 'no conversation' };
  const answers = await Promise.all(Array.from({ length: size.agentRequests }, () => say(chat, '人工')));
  const listed = await call('GET', '/api/desk/callbacks', { headers: desk });
  if (listed.status !== 200)
    return { attack, tried: answers.length, held: 0, broke: 1, detail: `desk API ${listed.status}` };
  const filed = (JSON.parse(listed.text) as { callbacks: { conversationId: string }[] }).callbacks.filter(
    (c) => c.conversationId === chat.id,
  ).length;
  const limited = answers.filter((a) => a.status === 429).length;
  const errors = answers.filter((a) => a.status !== 200 && a.status !== 429).length;
  const broke = Math.max(0, filed - LIMITS.callbacksPerDay) + errors;
  return {
    attack,
    tried: answers.length,
    held: answers.length - broke,
    broke,
    detail: `${filed} call-backs filed (limit ${LIMITS.callbacksPerDay} a day), ${limited} answered 429, ${errors} errors`,
  };
}

const minuteOf = (ms: number) => Math.floor(ms / 60_000);

/** One client address files tickets in many conversations at once. */
async function ticketBurst(): Promise<Row> {
  const attack = `tickets from one client address (${size.ticketBurst} tries)`;
  const from = newClientAddress();
  const started = Date.now();
  // A few conversations at a time, as an attacker would, so some get all the way to a ticket.
  const outcomes = await inParallel(size.ticketBurst, 4, async () => {
    const chat = await startChat(from);
    return chat ? { chat, ticket: await fileTicket(chat) } : undefined;
  });
  // Fixed one-minute windows: a burst across a minute boundary may use two windows' worth.
  const windows = minuteOf(Date.now()) - minuteOf(started) + 1;
  const chats = outcomes.filter((o) => o !== undefined);
  const tickets = chats.filter((o) => o.ticket).length;
  const maxTickets = Math.floor((LIMITS.messagesPerAddressPerMinute * windows) / CONVERSATION.length);
  const maxChats = LIMITS.conversationsPerAddressPerMinute * windows;
  const broke = Math.max(0, tickets - maxTickets) + Math.max(0, chats.length - maxChats);
  return {
    attack,
    tried: size.ticketBurst,
    held: size.ticketBurst - broke,
    broke,
    detail: `${chats.length} conversations started (limit ${maxChats}), ${tickets} tickets filed (at most ${maxTickets}: ${LIMITS.messagesPerAddressPerMinute} messages a minute per address)`,
  };
}

/** Thousands of event streams held open, then a merchant's message must still be answered in 1 s. */
async function manyStreams(): Promise<Row> {
  const attack = `${size.streams} event streams, then a message (< 1 s)`;
  const chats = (await inParallel(size.streamConversations, 50, () => startChat())).filter((c) => c !== undefined);
  const merchant = await startChat();
  const open = new Map<http.ClientRequest, string>();
  const statuses = new Map<number, number>();
  const opened = Array.from({ length: chats.length ? size.streams : 0 }, (_, i) => chats[i % chats.length] as Chat).map(
    (chat) =>
      new Promise<void>((resolve) => {
        const request = http.get(
          {
            host,
            port,
            path: `/api/webchat/conversations/${chat.id}/events?token=${chat.token}`,
            localAddress: chat.from,
            agent: false,
          },
          (response) => {
            statuses.set(response.statusCode ?? 0, (statuses.get(response.statusCode ?? 0) ?? 0) + 1);
            if (response.statusCode === 200) open.set(request, chat.id);
            response.on('data', () => {});
            response.on('close', () => open.delete(request));
            resolve();
          },
        );
        request.setTimeout(CALL_TIMEOUT_MS, () => request.destroy());
        request.on('error', () => {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
          resolve();
        });
      }),
  );
  await Promise.all(opened);
  // Let the server's "closed for a newer stream" reach us before counting what is still open.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const perChat = new Map<string, number>();
  for (const id of open.values()) perChat.set(id, (perChat.get(id) ?? 0) + 1);
  const overChat = [...perChat.values()].reduce(
    (n, count) => n + Math.max(0, count - LIMITS.streamsPerConversation),
    0,
  );
  const overTotal = Math.max(0, open.size - LIMITS.streamsMax);
  const answer = merchant ? await say(merchant, '我要解绑') : undefined;
  const health = await call('GET', '/healthz');
  for (const request of open.keys()) request.destroy();
  const answered = answer?.status === 200 && answer.ms < 1_000;
  const broke = overChat + overTotal + (answered ? 0 : 1) + (health.status === 200 ? 0 : 1);
  const tried = opened.length + 2;
  const byStatus = [...statuses].map(([status, n]) => `${n}×${status || 'error'}`).join(' ');
  return {
    attack,
    tried,
    held: tried - broke,
    broke,
    detail: `${open.size} open at once (cap ${LIMITS.streamsMax}, ${LIMITS.streamsPerConversation} a conversation), answers ${byStatus}; message ${answer ? `${answer.status} in ${Math.round(answer.ms)} ms` : 'not sent'}, /healthz ${health.status}`,
  };
}

function table(rows: Row[]): string {
  const width = Math.max(...rows.map((r) => r.attack.length), 6);
  const line = (a: string, tried: string, held: string, broke: string, detail: string) =>
    `${a.padEnd(width)}  ${tried.padStart(5)}  ${held.padStart(5)}  ${broke.padStart(5)}  ${detail}`;
  return [
    line('attack', 'tried', 'held', 'broke', 'detail'),
    ...rows.map((r) => line(r.attack, String(r.tried), String(r.held), String(r.broke), r.detail)),
  ].join('\n');
}

async function main(): Promise<void> {
  const health = await call('GET', '/healthz');
  if (health.status !== 200) fail(`no server answering at ${base.origin} (/healthz: ${health.status || health.text})`);
  const owner = await startChat();
  const ticketId = owner ? await fileTicket(owner) : undefined;
  const attacks: [string, () => Promise<Row>][] = [
    ['cross-origin', crossOriginPosts],
    ['tokens', missingTokens],
    ['message ids', badMessageIds],
    ['paths', malformedPaths],
    ['no-store', () => deskNoStore(ticketId)],
    ['status lookup', () => statusLookupGuesses(ticketId)],
    ['call-backs', agentRequests],
    ['tickets', ticketBurst],
    ['streams', manyStreams],
  ];
  const rows: Row[] = [];
  for (const [name, attack] of attacks) {
    // Whatever did not run cannot be said to have held.
    if (Date.now() > deadline) {
      rows.push({ attack: name, tried: 0, held: 0, broke: 1, detail: 'not run: the probe ran out of time' });
      continue;
    }
    rows.push(await attack());
  }
  const broke = rows.reduce((n, r) => n + r.broke, 0);
  process.stdout.write(`${table(rows)}\nbroke: ${broke}\n`);
  process.exit(broke === 0 ? 0 : 1);
}

// The probe ends by itself whatever happens: a hung server is a finding, not a hung probe.
setTimeout(() => fail('gave up: the probe ran past its deadline'), deadline - Date.now() + CALL_TIMEOUT_MS * 2).unref();
main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
