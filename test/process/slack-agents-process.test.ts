/**
 * The Slack agent workspace against `npm start` as a process, set up as README says: a merchant in
 * a Slack DM asks for a person, the card reaches the agents' channel once — and not again after a
 * restart (killed, then started on the same data) — an agent claims it with a signed click, and
 * their thread reply reaches the merchant's DM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import {
  cardButtonClick,
  directMessageEvent,
  postToSlackRoute,
  type SlackPost,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  threadReplyEvent,
} from '../helpers/slack-requests.ts';
import { type SlackStandIn, startSlackStandIn } from '../helpers/slack-stand-in.ts';

const AGENTS_CHANNEL = 'C0AGENTS2';
const ALICE_SLACK = 'U0ALICE2';
const MERCHANT = 'U0MERCHANT2';
const DM = 'D0MERCHANT2';

let dataDir: string | undefined;
let server: ServerProcess | undefined;
let slack: SlackStandIn | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  await slack?.close();
  slack = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Generous: the whole suite runs beside this process on two cores. */
async function until<T>(find: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Slack agent workspace through npm start', () => {
  it('one card per handoff, also across a restart; a signed Claim and a thread reply reach the Slack merchant', {
    timeout: 90_000,
  }, async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'slack-agents-process-'));
    slack = await startSlackStandIn();
    const stand = slack;
    const env = {
      DATA_DIR: dataDir,
      DESK_API_TOKEN: 'slack-agents-desk-token-0123',
      AGENT_TOKENS: 'alice:alice-token-0123456789',
      BUSINESS_HOURS: '00:00-23:59',
      BUSINESS_DAYS: '1-7',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_API_URL: stand.url,
      SLACK_AGENT_CHANNEL: AGENTS_CHANNEL,
      SLACK_AGENT_USERS: `${ALICE_SLACK}:alice`,
    };
    server = await startServerProcess(env);
    const deliver = async (request: SlackPost) => {
      const answer = await postToSlackRoute(`${server?.url}/slack/events`, request, Date.now());
      expect(answer.status).toBe(200);
    };
    const cards = () =>
      stand.posts().filter((call) => call.fields.channel === AGENTS_CHANNEL && !call.fields.thread_ts);
    const toMerchant = () =>
      stand
        .posts()
        .filter((call) => call.fields.channel === DM)
        .map((call) => call.fields.text);

    await deliver({ body: directMessageEvent({ channel: DM, user: MERCHANT, text: '人工' }) });
    await until(() => toMerchant().some((text) => text?.includes('排在第 1 位')), 'the queued notice');
    const card = await until(() => cards()[0], 'the card');
    expect(card.fields.blocks).toContain('slack');
    expect(card.fields.blocks).toContain('agent_claim');

    // Killed and started again on the same storage: the queue is swept, the card is not posted again.
    await server.kill('SIGKILL');
    server = await startServerProcess(env);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(cards()).toHaveLength(1);

    await deliver(
      cardButtonClick({
        channel: AGENTS_CHANNEL,
        user: ALICE_SLACK,
        actionId: 'agent_claim',
        messageTs: card.ts as string,
      }),
    );
    await until(() => toMerchant().includes('客服 alice 已接入，接下来由客服为您服务。'), 'the joined notice');
    await until(
      () =>
        stand.calls.some((call) => call.method === 'chat.update' && call.fields.blocks?.includes('已由 alice 接手')),
      'the claimed card',
    );
    await deliver({
      body: threadReplyEvent({
        channel: AGENTS_CHANNEL,
        user: ALICE_SLACK,
        text: '您好，我来帮您 &amp; 看看',
        threadTs: card.ts as string,
      }),
    });
    // Escaped by Slack on the way in, as typed to the merchant, escaped again for the DM.
    await until(() => toMerchant().includes('您好，我来帮您 &amp; 看看'), "alice's reply in the DM");
    // The merchant's answer appears in the card's thread.
    await deliver({ body: directMessageEvent({ channel: DM, user: MERCHANT, text: '好的' }) });
    await until(
      () => stand.posts().some((call) => call.fields.thread_ts === card.ts && call.fields.text === '商户：好的'),
      'the merchant in the thread',
    );
    expect(cards()).toHaveLength(1);
  });
});
