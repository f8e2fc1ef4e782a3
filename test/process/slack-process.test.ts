/**
 * Slack against `npm start` as a process, the way README sets it up: SLACK_* in the environment
 * and SLACK_API_URL at a local stand-in for Slack's Web API. A whole unbind request to a ticket
 * through signed Slack events and a button click, the reviewer's decision reaching the merchant's
 * DM, and the same id on Slack and web chat being two conversations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMainExpectingFailure, type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import {
  buttonClick,
  directMessageEvent,
  postToSlackRoute,
  type SlackPost,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from '../helpers/slack-requests.ts';
import { buttonsOf, type SlackApiCall, type SlackStandIn, startSlackStandIn } from '../helpers/slack-stand-in.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

const DESK_TOKEN = 'slack-process-desk-token-0123';
const MERCHANT = 'U0MERCHANT1';

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

/** Waits for the posts a delivery causes: at least one new, then none for a moment. */
async function newPosts(stand: SlackStandIn, before: number): Promise<SlackApiCall[]> {
  await stand.waitForPosts(before + 1);
  let count = stand.posts().length;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (stand.posts().length === count) return stand.posts().slice(before);
    count = stand.posts().length;
  }
}

describe('Slack through npm start', () => {
  it('a whole request to a ticket through signed events and a button click; the decision reaches the DM', {
    timeout: 90_000,
  }, async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'slack-process-'));
    slack = await startSlackStandIn();
    const stand = slack;
    server = await startServerProcess({
      DATA_DIR: dataDir,
      DESK_API_TOKEN: DESK_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_API_URL: stand.url,
    });
    const { url } = server;
    expect(server.output()).toContain(`slack ${url}/slack/events`);

    // The web chat conversation's id is also the Slack DM's id: two conversations all the same.
    await server.send('web', '我要解绑');
    const dm = server.conversation('web').conversationId;

    const deliver = async (request: SlackPost) => {
      const before = stand.posts().length;
      const answer = await postToSlackRoute(`${url}/slack/events`, request, Date.now());
      expect(answer.status).toBe(200);
      return newPosts(stand, before);
    };
    const say = (text: string) => deliver({ body: directMessageEvent({ channel: dm, user: MERCHANT, text }) });

    const [first, ...rest] = HAPPY_PATH_ZH;
    let posted = await say(first as string);
    // Consent by the button the bot offered.
    const question = posted.find((post) => buttonsOf(post).length > 0) as SlackApiCall;
    expect(buttonsOf(question)).toEqual(['是', '否']);
    posted = await deliver(buttonClick({ channel: dm, user: MERCHANT, value: '是', messageTs: question.ts as string }));
    expect(posted.map((post) => post.fields.text).join('\n')).not.toContain('同意吗');
    // The rest typed, document links as Slack sends them (in angle brackets).
    for (const text of rest.slice(1)) posted = await say(text.startsWith('https://') ? `<${text}>` : text);
    expect(posted.map((post) => post.fields.text).join('\n')).toContain('请核对');
    posted = await say('确认提交');
    const filed = posted.map((post) => post.fields.text).join('\n');
    const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0];
    expect(ticketId, filed).toBeTruthy();
    expect(posted.every((post) => post.fields.channel === dm)).toBe(true);

    const bearer = { authorization: `Bearer ${DESK_TOKEN}` };
    const listed = (await (
      await fetch(`${url}/api/desk/tickets?conversationId=${dm}`, { headers: bearer })
    ).json()) as { tickets: { id: string; channel: string; userId: string }[] };
    expect(listed.tickets.map((t) => [t.id, t.channel, t.userId])).toEqual([[ticketId, 'slack', MERCHANT]]);

    // The reviewer's decision reaches the merchant's DM, once.
    const before = stand.posts().length;
    const decided = await fetch(`${url}/api/desk/tickets/${ticketId}/decision`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'reject', note: '营业执照模糊' }),
    });
    expect(decided.status).toBe(200);
    const told = await newPosts(stand, before);
    expect(told.map((post) => [post.fields.channel, post.fields.text])).toEqual([
      [dm, expect.stringContaining(`${ticketId} 未通过审核`)],
    ]);
    expect(told[0]?.fields.text).toContain('营业执照模糊');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(stand.posts()).toHaveLength(before + 1);

    // The web chat conversation with the same id is still at its own consent question.
    const web = await server.send('web', '同意');
    expect(web.map((reply) => reply.text).join('\n')).toMatch(/序列号|SN/);
  });

  it('is off without its settings, and a half configuration stops the start', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'slack-process-'));
    server = await startServerProcess({ DATA_DIR: dataDir, DESK_API_TOKEN: DESK_TOKEN });
    expect(server.output()).not.toContain('/slack/events');
    const answer = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(404);

    const half = await runMainExpectingFailure({ DATA_DIR: dataDir, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN: set both');
    const userToken = await runMainExpectingFailure({
      DATA_DIR: dataDir,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_BOT_TOKEN: 'xoxp-user-token',
    });
    expect(userToken.stderr).toContain('SLACK_BOT_TOKEN: must be a bot token');
  });
});
