/**
 * A merchant on instance A and an agent on instance B, on one Redis or PostgreSQL: the agent sees
 * the queue and the merchant's messages live, and the agent's messages reach the merchant's event
 * stream on A.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationAddress } from '../../src/conversation/address.ts';
import type { AgentEvent } from '../../src/handoff/agent-events.ts';
import type { AppConfig } from '../../src/platform/config.ts';
import { AT, answerFirst } from '../helpers/advance.ts';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../helpers/backends.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';

const AGENTS: AppConfig['AGENT_TOKENS'] = [{ name: 'alice', token: 'alice-token-0123456789' }];
const WEBCHAT: ConversationAddress = { channel: 'webchat', conversationId: 'conv-1' };

let chats: TestChat[] = [];
afterEach(async () => {
  for (const chat of chats) await chat.close();
  chats = [];
});

describe.each([
  { name: 'redis', url: TEST_REDIS_URL },
  { name: 'postgres', url: TEST_POSTGRES_URL },
])('merchant on A, agent on B ($name)', ({ url }) => {
  it('each sees the other live', async () => {
    const storageNamespace = `agents-${randomUUID()}`;
    const open = async () => {
      const chat = await openTestChat({ storageUrl: url, storageNamespace, config: { AGENT_TOKENS: AGENTS } });
      chats.push(chat);
      return chat;
    };
    const a = await open();
    const b = await open();
    const seenOnB: AgentEvent[] = [];
    b.assistant.agentEvents.subscribe((event) => seenOnB.push(event));
    // Let B's subscription become active before anything is published.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await answerFirst(a, AT.phone);
    await a.say('人工');
    await expect.poll(() => seenOnB.some((e) => e.type === 'queued'), { timeout: 2_000 }).toBe(true);
    await a.say('有人吗？我着急');
    await expect
      .poll(
        () =>
          seenOnB.some(
            (e) => e.type === 'message' && e.entry.author === 'merchant' && e.entry.text === '有人吗？我着急',
          ),
        { timeout: 2_000 },
      )
      .toBe(true);

    const onA: string[] = [];
    a.onLater((text) => onA.push(text));
    expect(await b.assistant.agents.claim(WEBCHAT, 'alice')).toBe('agent:alice');
    await b.assistant.agents.send(WEBCHAT, 'alice', '您好，我是客服小李');
    // Whichever instance's worker delivers it, the merchant's stream on A hears it once.
    await b.deliverLater();
    await a.deliverLater();
    await expect.poll(() => onA.filter((text) => text.includes('我是客服小李')).length, { timeout: 2_000 }).toBe(1);
  });
});
