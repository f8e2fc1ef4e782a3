/**
 * `npm start` as a process, with every route README documents called over HTTP: what is tested
 * is what runs. Also the decisions that must survive a crash, and reach another process (the
 * console) through the shared storage.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeZendeskSignature, signatureHeader } from '../../src/desk/connectors/signatures.ts';
import { readEvents } from '../helpers/event-stream.ts';
import { type LocalDeskServer, startLocalDesk } from '../helpers/local-desk-server.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

const DESK_TOKEN = 'process-desk-token-0123456789';
const WEBHOOK_SECRET = 'process-webhook-secret-0123';
const ZENDESK_SECRET = 'process-zendesk-secret-0123';
const ROOT = path.resolve(import.meta.dirname, '../..');

let dataDir: string;
let server: ServerProcess | undefined;
let localDesk: LocalDeskServer | undefined;
let consoleChild: ChildProcess | undefined;

afterEach(async () => {
  consoleChild?.kill('SIGKILL');
  consoleChild = undefined;
  await server?.kill('SIGKILL');
  server = undefined;
  await localDesk?.close();
  localDesk = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const bearer = { authorization: `Bearer ${DESK_TOKEN}` };
const json = { 'content-type': 'application/json' };

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : json), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** Files the Chinese happy path in a web chat conversation; returns the ticket id. */
async function fileTicket(running: ServerProcess, conversationId: string): Promise<string> {
  let last = '';
  for (const text of [...HAPPY_PATH_ZH, '确认提交']) {
    last = (await running.send(conversationId, text)).map((r) => r.text).join('\n');
  }
  const id = /UB-\d{8}-\d{4}/.exec(last)?.[0];
  if (!id) throw new Error(`no ticket filed: ${last}`);
  return id;
}

/** The event stream of the conversation a test calls `name`, from the start, with its token. */
function eventsUrl(running: ServerProcess, name: string): string {
  const { conversationId, token } = running.conversation(name);
  return `${running.url}/api/webchat/conversations/${conversationId}/events?after=0&token=${token}`;
}

describe('npm start serves every documented route', () => {
  it('pages, health, web chat, language understanding, desk API, signed callbacks, outbox', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-routes-'));
    localDesk = await startLocalDesk();
    server = await startServerProcess({
      DATA_DIR: dataDir,
      DESK_API_TOKEN: DESK_TOKEN,
      DESK_WEBHOOK_URL: `${localDesk.url}/unbind-events`,
      DESK_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET,
    });
    const { url } = server;

    expect((await call('GET', `${url}/`)).text).toContain('<html');
    expect((await call('GET', `${url}/desk/`)).text).toContain('<html');
    expect((await call('GET', `${url}/healthz`)).status).toBe(200);

    const parsed = (await call('POST', `${url}/api/nlu/parse`, { text: '我要解绑，序列号N5W7654321' })).json();
    expect(parsed.intent).toMatchObject({ name: 'unbind' });
    expect(parsed.entities).toContainEqual(expect.objectContaining({ type: 'sn', value: 'N5W7654321' }));

    const first = await fileTicket(server, 'routes-1');
    const second = await fileTicket(server, 'routes-2');
    const listed = (
      await call(
        'GET',
        `${url}/api/desk/tickets?conversationId=${server.conversation('routes-1').conversationId}&channel=webchat`,
        undefined,
        bearer,
      )
    ).json();
    expect((listed.tickets as Array<{ id: string }>).map((t) => t.id)).toEqual([first]);
    expect((await call('GET', `${url}/api/desk/tickets`)).status).toBe(401);
    expect((await call('GET', `${url}/api/desk/tickets/${first}`, undefined, bearer)).json()).toMatchObject({
      id: first,
      status: 'submitted',
    });
    expect((await call('GET', `${url}/api/desk/callbacks`, undefined, bearer)).status).toBe(200);
    const outbox = await call('GET', `${url}/api/desk/outbox`, undefined, bearer);
    expect(outbox.status).toBe(200);
    expect(outbox.json()).toHaveProperty('parked');
    expect((await call('POST', `${url}/api/desk/outbox/no-such-key/retry`, undefined, bearer)).status).toBe(404);

    // A signed decision from the generic webhook desk changes the ticket, and the merchant is told.
    const events = readEvents(eventsUrl(server, 'routes-1'), /已审核通过/);
    const body = JSON.stringify({ ticketId: first, decision: 'approve', by: 'alice', eventId: 'evt-1' });
    const signed = signatureHeader([WEBHOOK_SECRET], Math.floor(Date.now() / 1000), body);
    expect(
      (await call('POST', `${url}/api/desk/webhook`, body, { ...json, 'x-unbind-signature': signed })).status,
    ).toBe(200);
    expect((await call('GET', `${url}/api/desk/tickets/${first}`, undefined, bearer)).json()).toMatchObject({
      status: 'approved',
    });
    expect(await events).toContain(`${first} 已审核通过`);
    const unsigned = await call('POST', `${url}/api/desk/webhook`, body, json);
    expect(unsigned.status).toBe(401);

    // Zendesk's signed trigger too.
    const zendeskBody = JSON.stringify({ external_id: second, decision: 'reject', comment: '执照过期', by: '42' });
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const zendesk = await call('POST', `${url}/api/desk/zendesk/webhook`, zendeskBody, {
      ...json,
      'x-zendesk-webhook-signature': computeZendeskSignature(ZENDESK_SECRET, ts, zendeskBody),
      'x-zendesk-webhook-signature-timestamp': ts,
    });
    expect(zendesk.status).toBe(200);
    expect((await call('GET', `${url}/api/desk/tickets/${second}`, undefined, bearer)).json()).toMatchObject({
      status: 'rejected',
    });

    // The reviewer's own decision route and the audit.
    const third = await fileTicket(server, 'routes-3');
    const decided = await call('POST', `${url}/api/desk/tickets/${third}/decision`, { decision: 'approve' }, bearer);
    expect(decided.status).toBe(200);
    const audit = (await call('GET', `${url}/api/desk/audit?ticketId=${third}`, undefined, bearer)).json();
    expect(audit.entries).toContainEqual(expect.objectContaining({ to: 'approved' }));
    expect((await call('GET', `${url}/api/desk/outbox/proactive`, undefined, bearer)).status).toBe(200);
  });
});

describe('decisions reach the merchant whatever happens to the process', () => {
  it('a decision whose server is killed with -9 right after it is told once after the restart', {
    timeout: 60_000,
  }, async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-kill-'));
    const env = { DATA_DIR: dataDir, DESK_API_TOKEN: DESK_TOKEN };
    server = await startServerProcess(env);
    const id = await fileTicket(server, 'kill-1');
    const decision = { decision: 'reject', note: '营业执照模糊' };
    expect((await call('POST', `${server.url}/api/desk/tickets/${id}/decision`, decision, bearer)).status).toBe(200);
    await server.kill('SIGKILL');

    server = await startServerProcess(env);
    // If the killed process had claimed the delivery, its lease (15 s) must run out first.
    const events = await readEvents(eventsUrl(server, 'kill-1'), /营业执照模糊/, 30_000);
    expect(events.match(/营业执照模糊/g)).toHaveLength(1);
    // Asked again later, still once: the notice is stored once, whoever delivered it.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const again = await readEvents(eventsUrl(server, 'kill-1'), /营业执照模糊/);
    expect(again.match(/营业执照模糊/g)).toHaveLength(1);
  });

  it('the console, another process, shows a decision made in the reviewer page while it is open', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-console-'));
    server = await startServerProcess({ DATA_DIR: dataDir, DESK_API_TOKEN: DESK_TOKEN });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/channels/console/console-chat.ts'], {
      cwd: ROOT,
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', DATA_DIR: dataDir, USER: 'process-test' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    consoleChild = child;
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const waitFor = async (pattern: RegExp, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline) throw new Error(`console never printed ${pattern}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(/\[1\]/);
    for (const text of [...HAPPY_PATH_ZH, '确认提交']) child.stdin?.write(`${text}\n`);
    await waitFor(/UB-\d{8}-\d{4}/);
    const id = /UB-\d{8}-\d{4}/.exec(output)?.[0] as string;

    const decision = { decision: 'reject', note: '请联系客服补充材料' };
    expect((await call('POST', `${server.url}/api/desk/tickets/${id}/decision`, decision, bearer)).status).toBe(200);
    await waitFor(/请联系客服补充材料/);
    expect(output.match(/请联系客服补充材料/g)).toHaveLength(1);
  });
});
