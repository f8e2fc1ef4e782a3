/**
 * Two instances on one Redis or PostgreSQL (same storage, same namespace): what one instance
 * delivers to a conversation reaches a listener on the other live, once, and still arrives when the
 * listening instance's connections were cut while it was published (the stored notices are the
 * source of truth; the fanout only rings).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationAddress } from '../../src/conversation/address.ts';
import { AT, answerFirst } from '../helpers/advance.ts';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../helpers/backends.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';

const ADDRESS: ConversationAddress = { channel: 'webchat', conversationId: 'conv-1' };

let chats: TestChat[] = [];
let proxy: TcpProxy | undefined;
afterEach(async () => {
  for (const chat of chats) await chat.close();
  chats = [];
  await proxy?.close();
  proxy = undefined;
});

async function instance(storageUrl: string, storageNamespace: string): Promise<TestChat> {
  const chat = await openTestChat({ storageUrl, storageNamespace });
  chats.push(chat);
  return chat;
}

describe.each([
  { name: 'redis', url: TEST_REDIS_URL },
  { name: 'postgres', url: TEST_POSTGRES_URL },
])('two instances on $name', ({ name, url }) => {
  it('a desk decision delivered by instance A reaches the merchant listening on instance B within a second, once', async () => {
    const namespace = `live-${randomUUID()}`;
    const a = await instance(url, namespace);
    const b = await instance(url, namespace);
    const onB: string[] = [];
    b.onLater((text) => onB.push(text));

    await answerFirst(a, AT.summary);
    const ticket = /UB-\d{8}-\d{4}/.exec(await a.sayText('确认提交'))?.[0] as string;
    await a.assistant.desk.decide(ticket, { decision: 'approve' }, 'reviewer:li');
    const started = performance.now();
    await a.deliverLater();
    await expect.poll(() => onB.length, { timeout: 1_000, interval: 5 }).toBe(1);
    console.log(`${name}: decision delivered on A, heard on B after ${(performance.now() - started).toFixed(1)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(onB).toEqual([expect.stringContaining(`您的解绑申请 ${ticket} 已审核通过`)]);
  });

  it('B hears notices in id order, once, with several published at once from both instances', async () => {
    const namespace = `live-${randomUUID()}`;
    const a = await instance(url, namespace);
    const b = await instance(url, namespace);
    const onA: string[] = [];
    const onB: string[] = [];
    a.assistant.events.subscribe(ADDRESS, (notice) => onA.push(notice.id));
    b.assistant.events.subscribe(ADDRESS, (notice) => onB.push(notice.id));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).assistant.events.publish(ADDRESS, { text: `notice ${i}` }, `m${i}`),
      ),
    );
    const all = Array.from({ length: 10 }, (_, i) => String(i + 1));
    await expect.poll(() => onB, { timeout: 2_000 }).toEqual(all);
    await expect.poll(() => onA, { timeout: 2_000 }).toEqual(all);
  });

  it('a notice published while B was cut off arrives once B is back, and the next one live', async () => {
    const namespace = `live-${randomUUID()}`;
    const { hostname, port } = new URL(url);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
    const a = await instance(url, namespace);
    const b = await instance(proxy.through(url), namespace);
    const onB: string[] = [];
    b.assistant.events.subscribe(ADDRESS, (notice) => onB.push(notice.text));
    // The subscription is active once a first notice rings through.
    await a.assistant.events.publish(ADDRESS, { text: 'before' }, 'm-before');
    await expect.poll(() => onB, { timeout: 1_000 }).toEqual(['before']);

    await proxy.cut();
    await a.assistant.events.publish(ADDRESS, { text: 'while cut off' }, 'm-cut');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onB).toEqual(['before']);

    await proxy.restore();
    await expect.poll(() => onB, { timeout: 5_000 }).toEqual(['before', 'while cut off']);
    await a.assistant.events.publish(ADDRESS, { text: 'after' }, 'm-after');
    await expect.poll(() => onB, { timeout: 1_000 }).toEqual(['before', 'while cut off', 'after']);
  });
});
