/**
 * Agents take over, as the merchant and the agent see it: each trigger (「人工」, three failed
 * answers, a lost device, an agent claiming on their own), the bot silent while queued or owned,
 * every merchant message kept for the agent, hand back to the pending question, close, a field
 * filled for the merchant, restarts, and the hours outside which a call-back is filed instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationAddress } from '../../src/conversation/address.ts';
import { POSITION_NOTICE_EVERY_MS } from '../../src/conversation/pipeline/handoff-gate.ts';
import { HandoffError } from '../../src/handoff/agent-workspace.ts';
import type { AppConfig } from '../../src/platform/config.ts';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat, tempSqliteUrl } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

const AGENTS: AppConfig['AGENT_TOKENS'] = [
  { name: 'alice', token: 'alice-token-0123456789' },
  { name: 'bob', token: 'bob-token-0123456789ab' },
];
const WEBCHAT: ConversationAddress = { channel: 'webchat', conversationId: 'conv-1' };

let chats: TestChat[] = [];
afterEach(async () => {
  for (const chat of chats) await chat.close();
  chats = [];
});

async function open(options: Parameters<typeof openTestChat>[0] = {}): Promise<TestChat> {
  const chat = await openTestChat({ ...options, config: { AGENT_TOKENS: AGENTS, ...options.config } });
  chats.push(chat);
  return chat;
}

/** What the merchant is told later (agent messages, notices), after the outbox has run. */
async function toldLater(chat: TestChat, action: () => Promise<unknown>): Promise<string[]> {
  const told: string[] = [];
  const stop = chat.onLater((text) => told.push(text));
  await action();
  await chat.deliverLater();
  stop();
  return told;
}

describe('「人工」 inside business hours queues the conversation', () => {
  it('tells the position, keeps the bot silent, stores every message, and the agent sees them all on claiming', async () => {
    const chat = await open();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [['人工', ['已为您转接人工客服', '排在第 1 位']]]);
    expect(await chat.assistant.agents.queue()).toEqual([
      expect.objectContaining({ conversationId: 'conv-1', channel: 'webchat', locale: 'zh-CN', reason: 'asked' }),
    ]);
    // No agent connected: the merchant writes on; the bot says nothing, nothing is lost.
    expect(await chat.say('有人吗')).toEqual([]);
    expect(await chat.say('13812345678')).toEqual([]);
    chat.advanceClock(POSITION_NOTICE_EVERY_MS);
    expect(await chat.sayText('还要等多久')).toContain('仍在排队等待人工客服，目前排在第 1 位');

    const agents = chat.assistant.agents;
    expect(await agents.claim(WEBCHAT, 'alice')).toBe('agent:alice');
    const view = await agents.view(WEBCHAT);
    expect(view.owner).toBe('agent:alice');
    const merchantSaid = view.transcript.filter((e) => e.author === 'merchant').map((e) => e.text);
    expect(merchantSaid.slice(-4)).toEqual(['人工', '有人吗', '13812345678', '还要等多久']);
    expect(view.transcript.find((e) => e.text.includes('已为您转接'))?.author).toBe('bot');
    expect(view.transcript.find((e) => e.text.includes('仍在排队'))?.author).toBe('system');
    expect(view.answers).toMatchObject({ sn: 'N5W1234567', merchantNo: '102100012345678', contactName: '张三' });
    // Claimed: out of the queue; still silent.
    expect(await agents.queue()).toEqual([]);
    expect(await chat.say('你好')).toEqual([]);
  });

  it('a redelivered message while queued is stored once', async () => {
    const chat = await open();
    await chat.say('人工');
    await chat.say('我的设备丢了', { messageId: 'wx-1' });
    await chat.say('我的设备丢了', { messageId: 'wx-1' });
    const { transcript } = await chat.assistant.agents.view(WEBCHAT);
    expect(transcript.filter((e) => e.text === '我的设备丢了')).toHaveLength(1);
  });

  it('a second merchant is told position 2', async () => {
    const first = await open({ conversationId: 'conv-a' });
    await first.say('人工');
    const second = await first.assistant.router.handle({
      channel: 'webchat',
      conversationId: 'conv-b',
      userId: 'merchant-2',
      text: '转人工',
    });
    expect(second.map((r) => r.text).join()).toContain('排在第 2 位');
  });

  it('in English', async () => {
    const chat = await open();
    await playTranscript(chat, [
      ['I want to unbind my terminal', 'Do you agree?'],
      ['talk to a human', ['connected to an agent', 'number 1 in the queue']],
    ]);
    expect((await chat.assistant.agents.queue())[0]?.locale).toBe('en-US');
  });
});

describe('the other triggers', () => {
  it('three failed answers, then the offered 人工回电, queue it as stuck', async () => {
    const chat = await open();
    await answerFirst(chat, AT.phone);
    await chat.say('123');
    await chat.say('456');
    expect(await chat.sayText('789')).toContain('人工回电');
    expect(await chat.sayText('人工回电')).toContain('排在第 1 位');
    expect((await chat.assistant.agents.queue())[0]).toMatchObject({ reason: 'stuck', owner: 'queued' });
  });

  it('a lost device is listed for agents while the bot carries on, once', async () => {
    const chat = await open();
    await answerFirst(chat, AT.deviceCondition);
    await playTranscript(chat, [
      ['丢了', ['设备丢失或被盗属于特殊情况', '解绑的原因']],
      ['搬迁或关店', '联系人'],
    ]);
    expect(await chat.assistant.agents.queue()).toEqual([
      expect.objectContaining({ conversationId: 'conv-1', reason: 'lost_device', owner: 'bot' }),
    ]);
    await chat.assistant.agents.claim(WEBCHAT, 'alice');
    expect(await chat.say('张三')).toEqual([]);
    await chat.assistant.agents.handBack(WEBCHAT, 'alice');
    await chat.deliverLater();
    // Handed back: not listed again although the device is still lost.
    await chat.say('张三');
    expect(await chat.assistant.agents.queue()).toEqual([]);
  });

  it('an agent claims a conversation the bot has, on their own', async () => {
    const chat = await open();
    await answerFirst(chat, AT.sn);
    const told = await toldLater(chat, () => chat.assistant.agents.claim(WEBCHAT, 'bob'));
    expect(told).toEqual(['客服 bob 已接入，接下来由客服为您服务。']);
    expect(await chat.say('N5W1234567')).toEqual([]);
  });

  it('without any agent configured, 「人工」 still files a call-back request', async () => {
    const chat = await open({ config: { AGENT_TOKENS: [] } });
    await answerFirst(chat, AT.phone);
    expect(await chat.sayText('人工')).toMatch(/人工协助请求（编号 CB-20261125-0001）/);
    expect(await chat.assistant.agents.queue()).toEqual([]);
  });
});

describe('claim, write, fill, hand back, close', () => {
  it('two agents: the second is told who has it; only the owner writes', async () => {
    const chat = await open();
    await chat.say('人工');
    await chat.assistant.agents.claim(WEBCHAT, 'alice');
    const refused = await chat.assistant.agents.claim(WEBCHAT, 'bob').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HandoffError);
    expect(refused).toMatchObject({ code: 'already_claimed', owner: 'agent:alice' });
    await expect(chat.assistant.agents.send(WEBCHAT, 'bob', 'hi')).rejects.toMatchObject({ code: 'not_owner' });
    // Claiming again is no change.
    expect(await chat.assistant.agents.claim(WEBCHAT, 'alice')).toBe('agent:alice');
  });

  it("an agent's message reaches the merchant once, and is in the transcript before it is relayed", async () => {
    const chat = await open();
    await chat.say('人工');
    await chat.assistant.agents.claim(WEBCHAT, 'alice');
    await chat.deliverLater();
    const told: string[] = [];
    const stop = chat.onLater((text) => told.push(text));
    await chat.assistant.agents.send(WEBCHAT, 'alice', '您好，我是客服小李，请问设备是什么时候丢的？');
    const stored = (await chat.assistant.agents.view(WEBCHAT)).transcript.at(-1);
    expect(stored).toMatchObject({
      author: 'agent:alice',
      channel: 'webchat',
      text: expect.stringContaining('客服小李'),
    });
    await chat.deliverLater();
    await chat.deliverLater();
    stop();
    expect(told).toEqual(['您好，我是客服小李，请问设备是什么时候丢的？']);
  });

  it('fills a field by its rule; hand back asks the next pending question', async () => {
    const chat = await open();
    await answerFirst(chat, AT.phone);
    await chat.say('人工');
    const agents = chat.assistant.agents;
    await expect(agents.fillField(WEBCHAT, 'alice', 'phone', '13812345678')).rejects.toMatchObject({
      code: 'not_owner',
    });
    await agents.claim(WEBCHAT, 'alice');
    await expect(agents.fillField(WEBCHAT, 'alice', 'phone', '12345')).rejects.toMatchObject({
      code: 'invalid_field_value',
      errorKey: expect.stringContaining('validation:'),
    });
    await expect(agents.fillField(WEBCHAT, 'alice', 'shoeSize', '42')).rejects.toMatchObject({ code: 'unknown_field' });
    expect(await agents.fillField(WEBCHAT, 'alice', 'phone', '138 1234 5678')).toMatchObject({ phone: '13812345678' });
    const told = await toldLater(chat, () => agents.handBack(WEBCHAT, 'alice'));
    expect(told.join('\n')).toContain('客服已把对话交回给智能助手');
    expect(told.join('\n')).toContain('邮箱');
    expect((await agents.view(WEBCHAT)).owner).toBe('bot');
    // The bot answers again, from where it was.
    expect(await chat.sayText('跳过')).toContain('未成年');
  });

  it('hand back mid-form asks the same question it was asking', async () => {
    const chat = await open();
    await answerFirst(chat, AT.merchantNo);
    await chat.say('人工');
    await chat.assistant.agents.claim(WEBCHAT, 'alice');
    const told = await toldLater(chat, () => chat.assistant.agents.handBack(WEBCHAT, 'alice'));
    expect(told.join('\n')).toContain('商户号');
  });

  it('close tells the merchant the conversation with the agent ended, and the bot answers again', async () => {
    const chat = await open();
    await chat.say('人工');
    await chat.assistant.agents.claim(WEBCHAT, 'alice');
    await chat.deliverLater();
    const told = await toldLater(chat, () => chat.assistant.agents.close(WEBCHAT, 'alice'));
    expect(told).toEqual(['本次人工服务已结束，感谢您的耐心。如需继续办理，直接在这里回复即可。']);
    expect(await chat.sayText('我要解绑')).toContain('同意');
    const transcript = (await chat.assistant.agents.view(WEBCHAT)).transcript;
    expect(transcript.some((e) => e.author === 'system' && e.text.includes('已结束'))).toBe(true);
  });
});

describe('restarts', () => {
  it('queued, then owned: both survive reopening the assistant on the same SQLite file', async () => {
    const sqlite = tempSqliteUrl();
    try {
      const first = await openTestChat({ storageUrl: sqlite.url, config: { AGENT_TOKENS: AGENTS } });
      await answerFirst(first, AT.phone, undefined);
      await first.say('人工');
      await first.close();

      const second = await openTestChat({ storageUrl: sqlite.url, config: { AGENT_TOKENS: AGENTS } });
      expect(await second.say('还在吗')).toEqual([]);
      expect((await second.assistant.agents.queue()).map((c) => c.conversationId)).toEqual(['conv-1']);
      await second.assistant.agents.claim(WEBCHAT, 'alice');
      await second.close();

      const third = await openTestChat({ storageUrl: sqlite.url, config: { AGENT_TOKENS: AGENTS } });
      chats.push(third);
      expect(await third.say('喂')).toEqual([]);
      const view = await third.assistant.agents.view(WEBCHAT);
      expect(view.owner).toBe('agent:alice');
      expect(
        view.transcript
          .filter((e) => e.author === 'merchant')
          .map((e) => e.text)
          .slice(-3),
      ).toEqual(['人工', '还在吗', '喂']);
      const told = await toldLater(third, () => third.assistant.agents.handBack(WEBCHAT, 'alice'));
      expect(told.join('\n')).toContain('手机号');
    } finally {
      sqlite.cleanup();
    }
  });
});

describe('outside business hours', () => {
  // TEST_START is Wednesday 10:00 in Shanghai: with these hours the desk is closed.
  const evening = { BUSINESS_HOURS: '19:00-22:00' };

  it('asks the phone first when it is not known, checks it, files the call-back, and goes on with the form', async () => {
    const chat = await open({ config: evening });
    await answerFirst(chat, AT.merchantNo);
    await playTranscript(chat, [
      ['人工', ['不在客服工作时间（19:00-22:00）', '请留一个能接通的手机号']],
      ['12345', '手机号'],
      ['13812345678', ['已为您登记人工回电（编号 CB-20261125-0001）', '商户号']],
    ]);
    const [callback] = await chat.assistant.desk.listCallbacks();
    expect(callback).toMatchObject({ conversationId: 'conv-1', phone: '13812345678', reason: 'asked' });
    expect(await chat.assistant.agents.queue()).toEqual([]);
  });

  it('files at once with the phone already given', async () => {
    const chat = await open({ config: evening });
    await answerFirst(chat, AT.email);
    expect(await chat.sayText('人工')).toContain('已为您登记人工回电（编号 CB-20261125-0001）');
    expect((await chat.assistant.desk.listCallbacks())[0]?.phone).toBe('13812345678');
  });

  it('on a Saturday with weekdays only, in English', async () => {
    const chat = await open({ config: { BUSINESS_DAYS: '1-5' } });
    chat.advanceClock(3 * 24 * 3600_000);
    await playTranscript(chat, [
      ['I want to unbind my terminal', 'Do you agree?'],
      ['agent please', ['not at their desks right now (working hours 09:00-18:00)', 'mobile number']],
    ]);
  });
});
