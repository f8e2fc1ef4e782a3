/**
 * Slack's wire format against the real server (composition root, turn pipeline, SQLite) with a
 * scripted bot and a local stand-in for Slack's Web API: signed events and button clicks reach
 * the router as the merchant's messages and the replies are posted; anything unsigned, stale,
 * from the future, malformed or oversized is refused before anything is stored or sent; a
 * redelivery is processed once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonClick,
  directMessageEvent,
  postToSlackRoute,
  type SlackPost,
  slackSignature,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from '../../helpers/slack-requests.ts';
import {
  buttonsOf,
  type SlackApiCall,
  type SlackStandIn,
  STAND_IN_BOT_USER,
  startSlackStandIn,
} from '../../helpers/slack-stand-in.ts';
import { startTestServer, type TestServer } from '../../http/http-test-server.ts';

let slack: SlackStandIn;
let server: TestServer;

beforeEach(async () => {
  slack = await startSlackStandIn();
  server = await startTestServer({
    env: { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_API_URL: slack.url },
  });
});

afterEach(async () => {
  await server.close();
  await slack.close();
});

const events = () => `${server.url}/slack/events`;
const post = (request: SlackPost, url = events()) => postToSlackRoute(url, request, server.clock.now().getTime());
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
const storedKeys = () => server.assistant.store.keys('');

describe('Slack events', () => {
  it('answers the URL verification challenge, signed only', async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 't', challenge: 'chal-123' });
    const answer = await post({ body });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ challenge: 'chal-123' });
    expect((await post({ body, secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(401);
  });

  it('a direct message is a turn of the slack conversation; replies are posted to the DM, choices as buttons', async () => {
    const body = directMessageEvent({ channel: 'D100', user: 'U100', text: '我要解绑', eventId: 'EvFIRST' });
    expect((await post({ body })).status).toBe(200);
    expect(server.received).toEqual([
      { channel: 'slack', conversationId: 'D100', userId: 'U100', messageId: 'EvFIRST', text: '我要解绑' },
    ]);
    const posts = await slack.waitForPosts(2);
    expect(posts.map((p) => [p.fields.channel, p.fields.text])).toEqual([
      ['D100', '好的，我们开始办理解绑。\n请先阅读隐私说明。'],
      ['D100', '您同意吗？'],
    ]);
    expect(posts[0]?.authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    expect(posts[0]?.fields.blocks).toBeUndefined();
    expect(buttonsOf(posts[1] as (typeof posts)[number])).toEqual(['同意', '不同意']);
  });

  it('what Slack escapes and links arrives as the merchant typed it; replies are escaped', async () => {
    const text = '&lt;a&gt; &amp; <https://pan.example.com/s/licence> <mailto:zs@example.com|zs@example.com>';
    await post({ body: directMessageEvent({ channel: 'D101', user: 'U101', text }) });
    expect(server.received[0]?.text).toBe('<a> & https://pan.example.com/s/licence zs@example.com');
    const [reply] = await slack.waitForPosts(1);
    expect(reply?.fields.text).toBe('收到：&lt;a&gt; &amp; https://pan.example.com/s/licence zs@example.com');
  });

  it('a redelivery (same event_id, X-Slack-Retry-Num) is processed once and posts nothing more', async () => {
    const body = directMessageEvent({ channel: 'D102', user: 'U102', text: '我要解绑', eventId: 'EvRETRY' });
    expect((await post({ body })).status).toBe(200);
    await slack.waitForPosts(2);
    const keys = await storedKeys();
    const retry = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };
    expect((await post({ body, headers: retry })).status).toBe(200);
    expect((await post({ body, headers: { ...retry, 'x-slack-retry-num': '2' } })).status).toBe(200);
    await settle();
    expect(server.received).toHaveLength(1);
    expect(slack.posts()).toHaveLength(2);
    expect(await storedKeys()).toEqual(keys);
  });

  it('a turn that fails answers 500 (Slack retries) and posts nothing; the retry is then processed', async () => {
    const body = directMessageEvent({ channel: 'D103', user: 'U103', text: 'boom', eventId: 'EvBOOM' });
    expect((await post({ body })).status).toBe(500);
    await settle();
    expect(slack.posts()).toHaveLength(0);
    server.setScript(({ text }) => [{ text: `收到：${text}` }]);
    expect(
      (await post({ body, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' } })).status,
    ).toBe(200);
    expect((await slack.waitForPosts(1))[0]?.fields.text).toBe('收到：boom');
  });

  it('a reply Slack refuses is kept and posted once Slack takes it; no personal data reaches the log', async () => {
    slack.failNext('chat.postMessage', 'service_unavailable');
    const body = directMessageEvent({ channel: 'D107', user: 'U107', text: '电话 13812345678 zs@example.com' });
    expect((await post({ body })).status).toBe(200);
    await slack.waitForPosts(1);
    await settle();
    expect(server.logs().some((line) => line.code === 'outbox.retry')).toBe(true);
    // The retry is due within seconds of the clock; the worker polls every second.
    server.clock.advance(10 * 60_000);
    const posts = await slack.waitForPosts(2);
    expect(posts.map((p) => p.fields.text)).toEqual([
      '收到：电话 13812345678 zs@example.com',
      '收到：电话 13812345678 zs@example.com',
    ]);
    await settle();
    expect(slack.posts()).toHaveLength(2);
    expect(server.logText()).not.toMatch(/13812345678|zs@example\.com/);
  });

  it('bot messages, our own messages, edits, deletions and channel messages are not the merchant’s', async () => {
    const ignored = [
      directMessageEvent({ channel: 'D104', user: 'U104', text: 'x', bot_id: 'B999', subtype: 'bot_message' }),
      directMessageEvent({ channel: 'D104', user: STAND_IN_BOT_USER, text: 'our own reply' }),
      directMessageEvent({ channel: 'D104', user: 'U104', text: 'x', subtype: 'message_changed' }),
      directMessageEvent({ channel: 'D104', user: 'U104', text: 'x', subtype: 'message_deleted' }),
      directMessageEvent({ channel: 'C104', user: 'U104', text: 'x', channel_type: 'channel' }),
    ];
    for (const body of ignored) expect((await post({ body })).status).toBe(200);
    await settle();
    expect(server.received).toEqual([]);
    expect(slack.posts()).toEqual([]);
  });

  it('a button click is the merchant’s answer, once per message; the buttons give way to the answer', async () => {
    const click = buttonClick({ channel: 'D105', user: 'U105', value: '同意', messageTs: '1764000000.000777' });
    expect((await post(click)).status).toBe(200);
    expect(server.received).toEqual([
      { channel: 'slack', conversationId: 'D105', userId: 'U105', messageId: 'button:1764000000.000777', text: '同意' },
    ]);
    await slack.waitForPosts(1);
    // A double click, or a click on the same question later: nothing new.
    expect((await post(click)).status).toBe(200);
    await settle();
    expect(server.received).toHaveLength(1);
    expect(slack.posts()).toHaveLength(1);
    const update = slack.calls.find((call) => call.method === 'chat.update');
    expect(update?.fields.ts).toBe('1764000000.000777');
    expect(update?.fields.blocks).toContain('✓ 同意');
    expect(update?.fields.blocks).not.toContain('"actions"');
  });

  it('interactivity configured at /slack/actions works the same', async () => {
    const click = buttonClick({ channel: 'D106', user: 'U106', value: '不同意', messageTs: '1764000000.000888' });
    expect((await post(click, `${server.url}/slack/actions`)).status).toBe(200);
    expect(server.received[0]?.text).toBe('不同意');
  });
});

describe('refused Slack requests: nothing stored, nothing sent', () => {
  const nowSeconds = () => Math.floor(server.clock.now().getTime() / 1000);
  const dm = () => directMessageEvent({ channel: 'D200', user: 'U200', text: '我要解绑' });

  const cases: [string, () => SlackPost, number][] = [
    ['a wrong signature', () => ({ body: dm(), secret: '0000000000000000000000000000000f' }), 401],
    ['no signature', () => ({ body: dm(), signature: '' }), 401],
    ['an unknown signature version', () => ({ body: dm(), signature: 'v1=abc' }), 401],
    [
      'the signature of another body',
      () => ({ body: dm(), signature: slackSignature(TEST_SIGNING_SECRET, nowSeconds(), dm()) }),
      401,
    ],
    ['a stale timestamp (301 s old)', () => ({ body: dm(), timestamp: nowSeconds() - 301 }), 401],
    ['a timestamp 301 s in the future', () => ({ body: dm(), timestamp: nowSeconds() + 301 }), 401],
    ['a timestamp an hour in the future', () => ({ body: dm(), timestamp: nowSeconds() + 3600 }), 401],
    ['a timestamp that is not a number', () => ({ body: dm(), timestamp: Number.NaN }), 401],
    ['malformed JSON, signed', () => ({ body: '{"type":"event_callback",' }), 400],
    ['JSON that is not an object, signed', () => ({ body: '["event_callback"]' }), 400],
    [
      'a form without a payload, signed',
      () => ({ body: 'a=1', contentType: 'application/x-www-form-urlencoded' }),
      400,
    ],
    [
      'a form whose payload is not JSON, signed',
      () => ({ body: 'payload=%7Bnot', contentType: 'application/x-www-form-urlencoded' }),
      400,
    ],
    ['another content type, signed', () => ({ body: dm(), contentType: 'text/plain' }), 400],
    [
      'a url_verification without a challenge, signed',
      () => ({ body: JSON.stringify({ type: 'url_verification' }) }),
      400,
    ],
    [
      'an oversized body (300 KB), signed',
      () => ({ body: JSON.stringify({ type: 'x', pad: 'a'.repeat(300_000) }) }),
      413,
    ],
  ];

  it.each(cases)('%s', async (_name, request, status) => {
    const keys = await storedKeys();
    const answer = await post(request());
    expect(answer.status).toBe(status);
    expect((JSON.parse(answer.text) as { error: { code: string } }).error.code).toBeTruthy();
    await settle();
    expect(server.received).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(await storedKeys()).toEqual(keys);
  });

  it('a replay of a captured delivery after five minutes is refused', async () => {
    const body = dm();
    const timestamp = nowSeconds();
    expect((await post({ body, timestamp })).status).toBe(200);
    await slack.waitForPosts(2);
    const keys = await storedKeys();
    server.clock.advance(301_000);
    expect((await post({ body, timestamp })).status).toBe(401);
    await settle();
    expect(server.received).toHaveLength(1);
    expect(slack.posts()).toHaveLength(2);
    expect(await storedKeys()).toEqual(keys);
  });
});

describe('messages that arrive later, to the DM', () => {
  const address = { channel: 'slack', conversationId: 'D300', userId: 'U300' };
  const slackChannel = () => {
    const channel = server.assistant.channels.get('slack');
    if (!channel) throw new Error('slack is not on');
    return channel;
  };

  it('are posted once per messageId, however often or concurrently they are sent', async () => {
    const messages = [
      { text: '审核通过', messageId: 'decision-1#0' },
      { text: '请选择', suggestedActions: ['好的'], messageId: 'decision-1#1' },
    ];
    const settled = await Promise.allSettled([
      slackChannel().send(address, messages),
      slackChannel().send(address, messages),
    ]);
    expect(settled.filter((s) => s.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    await slackChannel().send(address, messages);
    expect(slack.posts().map((p) => [p.fields.channel, p.fields.text])).toEqual([
      ['D300', '审核通过'],
      ['D300', '请选择'],
    ]);
    expect(buttonsOf(slack.posts()[1] as SlackApiCall)).toEqual(['好的']);
  });

  it('a post Slack refuses fails the send (the outbox retries) and is posted by the next one', async () => {
    slack.failNext('chat.postMessage', 'channel_not_found');
    await expect(slackChannel().send(address, [{ text: '审核通过', messageId: 'decision-2#0' }])).rejects.toThrow();
    await slackChannel().send(address, [{ text: '审核通过', messageId: 'decision-2#0' }]);
    expect(slack.posts().map((p) => p.fields.text)).toEqual(['审核通过', '审核通过']);
    await slackChannel().send(address, [{ text: '审核通过', messageId: 'decision-2#0' }]);
    expect(slack.posts()).toHaveLength(2);
  });
});
