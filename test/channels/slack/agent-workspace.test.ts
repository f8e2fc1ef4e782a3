/**
 * Slack as the agents' workspace, on the real server (bot, SQLite, WeChat and Slack channels) with
 * local stand-ins for WeChat's and Slack's APIs and requests signed as Slack signs them: a merchant
 * in WeChat, an agent in Slack. The handoff card, Claim by a mapped Slack user (an unmapped one and
 * a second claimer refused), the agent's thread reply reaching WeChat, the merchant's messages in
 * the thread, Hand back and the pending question, Close, and what must change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../../helpers/real-server.ts';
import {
  cardButtonClick,
  postToSlackRoute,
  type SlackPost,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  threadReplyEvent,
} from '../../helpers/slack-requests.ts';
import {
  type SlackApiCall,
  type SlackStandIn,
  STAND_IN_BOT_ID,
  startSlackStandIn,
} from '../../helpers/slack-stand-in.ts';
import { TEST_START } from '../../helpers/test-assistant.ts';
import { postToWechat, startWechatStandIn, type WechatStandIn } from '../../helpers/wechat-stand-in.ts';

const AGENTS_CHANNEL = 'C0AGENTS1';
const ALICE_SLACK = 'U0ALICE1';
const BOB_SLACK = 'U0BOB001';
const CAROL_SLACK = 'U0CAROL1';
const WECHAT_TOKEN = 'channelToken42';
const OPEN_ID = 'oSLACKAGENT0123456789abcdefgh';

let server: RealServer;
let slack: SlackStandIn;
let wechat: WechatStandIn;
let msgId = 2000;

beforeEach(async () => {
  slack = await startSlackStandIn();
  wechat = await startWechatStandIn();
  server = await startRealServer({
    AGENT_TOKENS: 'alice:alice-token-0123456789,bob:bob-token-0123456789ab',
    WECHAT_TOKEN,
    WECHAT_APP_ID: 'wx0123456789abcdef',
    WECHAT_APP_SECRET: 'app-secret-for-tests',
    WECHAT_API_BASE: wechat.url,
    WECHAT_REPLY_WAIT_MS: '200',
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_API_URL: slack.url,
    SLACK_AGENT_CHANNEL: AGENTS_CHANNEL,
    SLACK_AGENT_USERS: `${ALICE_SLACK}:alice,${BOB_SLACK}:bob`,
  });
});

afterEach(async () => {
  await server.close();
  await slack.close();
  await wechat.close();
});

const nowS = Math.floor(TEST_START.getTime() / 1000);

/** The merchant types in WeChat; answers the passive reply's text. */
async function merchantSays(content: string): Promise<string> {
  msgId += 1;
  const answer = await postToWechat(
    server.url,
    { token: WECHAT_TOKEN },
    { FromUserName: OPEN_ID, CreateTime: nowS, MsgType: 'text', Content: content, MsgId: String(msgId) },
    { timestamp: nowS },
  );
  expect(answer.status).toBe(200);
  return answer.reply?.Content ?? answer.text;
}

/** Slack calls the request as Slack signs it, at the server's (fixed) time. */
const toSlack = (request: SlackPost) =>
  postToSlackRoute(`${server.url}/slack/events`, request, server.assistant.clock.now().getTime());

async function until<T>(find: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const cards = () => slack.posts().filter((call) => call.fields.channel === AGENTS_CHANNEL && !call.fields.thread_ts);
const threadLines = (ts: string) =>
  slack
    .posts()
    .filter((call) => call.fields.thread_ts === ts)
    .map((call) => call.fields.text ?? '');
const calls = (method: string) => slack.calls.filter((call) => call.method === method);
const blocksText = (call: SlackApiCall) => call.fields.blocks ?? '';
const actionIds = (call: SlackApiCall) =>
  (JSON.parse(call.fields.blocks ?? '[]') as { type: string; elements?: { action_id?: string }[] }[]).flatMap(
    (block) => (block.type === 'actions' ? (block.elements ?? []).map((e) => e.action_id) : []),
  );
const click = (user: string, actionId: string, messageTs: string) =>
  toSlack(cardButtonClick({ channel: AGENTS_CHANNEL, user, actionId, messageTs }));
const ownerOf = async () => (await server.assistant.agents.view({ channel: 'wechat', conversationId: OPEN_ID })).owner;

/** The merchant starts an unbind request in WeChat, with a phone, and asks for a person. */
async function merchantQueues(): Promise<SlackApiCall> {
  await merchantSays('我要解绑，电话13812345678');
  await merchantSays('同意');
  expect(await merchantSays('人工')).toContain('排在第 1 位');
  return until(() => cards()[0], 'the handoff card');
}

describe('Slack agent workspace: a merchant in WeChat, an agent in Slack', () => {
  it('card → Claim → thread reply reaches WeChat → the merchant writes back into the thread → Hand back → the pending question', async () => {
    const card = await merchantQueues();
    const ts = card.ts as string;
    expect(cards()).toHaveLength(1);
    // The card: channel, language, reason, waiting since, answers so far (phone masked), Claim.
    const shown = blocksText(card);
    expect(shown).toContain('wechat');
    expect(shown).toContain('中文');
    expect(shown).toContain('商户要求人工');
    expect(shown).toContain(`<!date^${nowS}^`);
    expect(shown).toContain('*******5678');
    expect(shown).not.toContain('13812345678');
    expect(actionIds(card)).toEqual(['agent_claim']);

    // alice claims: the card shows her and offers Hand back and Close; the merchant is told.
    expect((await click(ALICE_SLACK, 'agent_claim', ts)).status).toBe(200);
    expect(await ownerOf()).toBe('agent:alice');
    const claimed = await until(
      () => calls('chat.update').find((call) => blocksText(call).includes('已由 alice 接手')),
      'the claimed card',
    );
    expect(claimed.fields).toMatchObject({ channel: AGENTS_CHANNEL, ts });
    expect(actionIds(claimed)).toEqual(['agent_hand_back', 'agent_close']);
    await until(
      () => wechat.textsTo(OPEN_ID).includes('客服 alice 已接入，接下来由客服为您服务。'),
      'the joined notice',
    );

    // Her reply in the card's thread reaches the merchant in WeChat, once, and is not echoed.
    const reply = threadReplyEvent({
      channel: AGENTS_CHANNEL,
      user: ALICE_SLACK,
      text: '您好，我是客服 alice。',
      threadTs: ts,
    });
    expect((await toSlack({ body: reply })).status).toBe(200);
    await until(() => wechat.textsTo(OPEN_ID).includes('您好，我是客服 alice。'), "alice's message in WeChat");
    // Slack's retry of the same delivery sends nothing more.
    expect((await toSlack({ body: reply, headers: { 'x-slack-retry-num': '1' } })).status).toBe(200);

    // The merchant's next WeChat message appears in the thread, marked as theirs.
    expect(await merchantSays('设备在店里，谢谢')).not.toContain('序列号');
    await until(() => threadLines(ts).includes('商户：设备在店里，谢谢'), 'the merchant in the thread');
    // The thread holds the handoff from its start, each line once, authors marked; not alice's own reply.
    const lines = threadLines(ts);
    expect(lines).toContain('商户：人工');
    expect(
      lines.some((line) => line.startsWith('[机器人] 已为您转接人工客服')),
      lines.join('\n'),
    ).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.join('\n')).not.toContain('您好，我是客服 alice。');
    // Phone numbers are masked in the thread as on the card.
    expect(lines).toContain('商户：我要解绑，电话*******5678');
    expect(lines.join('\n')).not.toContain('13812345678');
    expect(wechat.textsTo(OPEN_ID).filter((text) => text === '您好，我是客服 alice。')).toHaveLength(1);

    // Our own thread posts come back as events: none reaches the merchant.
    const echo = threadReplyEvent({
      channel: AGENTS_CHANNEL,
      text: '商户：设备在店里，谢谢',
      threadTs: ts,
      bot_id: STAND_IN_BOT_ID,
      subtype: 'bot_message',
    });
    expect((await toSlack({ body: echo })).status).toBe(200);

    // Hand back: the bot asks the pending question in WeChat; the card shows it is back with the bot.
    const before = wechat.textsTo(OPEN_ID).length;
    expect((await click(ALICE_SLACK, 'agent_hand_back', ts)).status).toBe(200);
    expect(await ownerOf()).toBe('bot');
    const told = await until(() => {
      const texts = wechat.textsTo(OPEN_ID).slice(before);
      return texts.some((text) => text.includes('序列号')) && texts;
    }, 'the pending question');
    expect(told.join('\n')).toContain('交回给智能助手');
    const released = await until(
      () => calls('chat.update').find((call) => blocksText(call).includes('已交回机器人')),
      'the released card',
    );
    expect(actionIds(released)).toEqual([]);
    await settle();
    expect(wechat.textsTo(OPEN_ID).filter((text) => text.includes('商户：'))).toEqual([]);
    expect(cards()).toHaveLength(1);
  });

  it('an unmapped Slack user is refused; a second claimer is told who has it; only the owner writes', async () => {
    const card = await merchantQueues();
    const ts = card.ts as string;

    expect((await click(CAROL_SLACK, 'agent_claim', ts)).status).toBe(200);
    const refused = await until(() => calls('chat.postEphemeral')[0], 'the refusal');
    expect(refused.fields).toMatchObject({ channel: AGENTS_CHANNEL, user: CAROL_SLACK });
    expect(refused.fields.text).toContain('SLACK_AGENT_USERS');
    expect(await ownerOf()).toBe('queued');

    // Claimed at once by both: one wins, the other is told, ephemerally, who has it.
    const [first, second] = await Promise.all([
      click(ALICE_SLACK, 'agent_claim', ts),
      click(BOB_SLACK, 'agent_claim', ts),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const owner = await ownerOf();
    expect(['agent:alice', 'agent:bob']).toContain(owner);
    const winner = owner.slice('agent:'.length);
    const loser = winner === 'alice' ? BOB_SLACK : ALICE_SLACK;
    const told = await until(
      () => calls('chat.postEphemeral').find((call) => call.fields.user === loser),
      'the loser told',
    );
    expect(told.fields.text).toBe(`已由 ${winner} 接手`);

    // The loser's thread reply is refused and reaches nobody; so is an unmapped user's.
    const beforeTexts = wechat.textsTo(OPEN_ID).length;
    await toSlack({ body: threadReplyEvent({ channel: AGENTS_CHANNEL, user: loser, text: '我来处理', threadTs: ts }) });
    await toSlack({
      body: threadReplyEvent({ channel: AGENTS_CHANNEL, user: CAROL_SLACK, text: '我也来', threadTs: ts }),
    });
    const ephemerals = await until(() => {
      const found = calls('chat.postEphemeral').filter((call) => call.fields.thread_ts === ts);
      return found.length >= 2 && found;
    }, 'both refused');
    expect(ephemerals.map((call) => [call.fields.user, call.fields.text])).toEqual([
      [loser, expect.stringContaining(`不是由你接手的（${winner}）`)],
      [CAROL_SLACK, expect.stringContaining('SLACK_AGENT_USERS')],
    ]);
    // A loser's Hand back or Close changes nothing either.
    await click(loser, 'agent_close', ts);
    await settle();
    expect(await ownerOf()).toBe(owner);
    expect(wechat.textsTo(OPEN_ID).slice(beforeTexts).join('\n')).not.toMatch(/我来处理|我也来|已结束/);

    // Close, by the owner: the merchant is told, the card offers nothing more.
    await click(winner === 'alice' ? ALICE_SLACK : BOB_SLACK, 'agent_close', ts);
    await until(
      () => wechat.textsTo(OPEN_ID).some((text) => text.includes('本次人工服务已结束')),
      'the closing notice',
    );
    expect(await ownerOf()).toBe('bot');
  });

  it('a request with a bad signature, or a stale one, is refused and changes nothing', async () => {
    const card = await merchantQueues();
    const ts = card.ts as string;
    const forged = await toSlack({
      ...cardButtonClick({ channel: AGENTS_CHANNEL, user: ALICE_SLACK, actionId: 'agent_claim', messageTs: ts }),
      secret: 'ffffffffffffffffffffffffffffffff',
    });
    expect(forged.status).toBe(401);
    const stale = await toSlack({
      ...cardButtonClick({ channel: AGENTS_CHANNEL, user: ALICE_SLACK, actionId: 'agent_claim', messageTs: ts }),
      timestamp: nowS - 301,
    });
    expect(stale.status).toBe(401);
    const reply = threadReplyEvent({ channel: AGENTS_CHANNEL, user: ALICE_SLACK, text: '伪造的消息', threadTs: ts });
    expect((await toSlack({ body: reply, signature: 'v0=00' })).status).toBe(401);
    await settle();
    expect(await ownerOf()).toBe('queued');
    expect(calls('chat.update')).toEqual([]);
    expect(calls('chat.postEphemeral')).toEqual([]);
    expect(wechat.textsTo(OPEN_ID).join('\n')).not.toContain('伪造的消息');
  });
});
