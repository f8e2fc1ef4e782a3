/**
 * The fanout on the real servers: a message published by one instance reaches the subscribers of
 * every instance sharing the storage and namespace, once, and nobody else; after the subscriber's
 * connection is killed it comes back, says so, and hears what is published next.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Fanout, localFanout, openFanout, postgresFanoutChannel } from '../../src/storage/fanout.ts';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../helpers/backends.ts';
import { type OwnRedis, startOwnRedis } from '../helpers/own-redis.ts';

const opened: Fanout[] = [];
afterEach(async () => {
  for (const fanout of opened.splice(0)) await fanout.close();
});

async function open(url: string, namespace: string): Promise<Fanout> {
  const fanout = await openFanout(url, { namespace });
  opened.push(fanout);
  return fanout;
}

/** Subscribes and resolves once the subscription is active, with what it heard so far. */
function listen(fanout: Fanout, topic: string): Promise<string[]> {
  const heard: string[] = [];
  return new Promise((resolve) =>
    fanout.subscribe(
      topic,
      (payload) => heard.push(payload),
      () => resolve(heard),
    ),
  );
}

describe.each([
  { name: 'redis', url: TEST_REDIS_URL },
  { name: 'postgres', url: TEST_POSTGRES_URL },
])('fanout on $name', ({ url }) => {
  it('reaches every instance of the namespace once, and only the topic and namespace it was sent to', async () => {
    const namespace = `fanout-${randomUUID()}`;
    const [a, b, other] = [await open(url, namespace), await open(url, namespace), await open(url, `${namespace}-x`)];
    const onB = await listen(b, 'notices/webchat/c1');
    const onA = await listen(a, 'notices/webchat/c1');
    const otherTopic = await listen(b, 'notices/webchat/c2');
    const otherNamespace = await listen(other, 'notices/webchat/c1');

    const started = performance.now();
    await a.publish('notices/webchat/c1', '7');
    await expect.poll(() => onB, { timeout: 1_000, interval: 5 }).toEqual(['7']);
    console.log(
      `${url.split(':')[0]}: published on A, heard on B after ${(performance.now() - started).toFixed(1)} ms`,
    );
    await expect.poll(() => onA, { timeout: 1_000, interval: 5 }).toEqual(['7']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([onB, onA, otherTopic, otherNamespace]).toEqual([['7'], ['7'], [], []]);
  });

  it('an unsubscribed listener hears nothing more', async () => {
    const namespace = `fanout-${randomUUID()}`;
    const [a, b] = [await open(url, namespace), await open(url, namespace)];
    const heard: string[] = [];
    const stop = b.subscribe('t', (payload) => heard.push(payload));
    const kept = await listen(b, 't');
    stop();
    await a.publish('t', '1');
    await expect.poll(() => kept, { timeout: 1_000, interval: 5 }).toEqual(['1']);
    expect(heard).toEqual([]);
  });
});

describe('fanout on PostgreSQL', () => {
  const pg = createRequire(createRequire(import.meta.url).resolve('@keyv/postgres'))('pg') as {
    Client: new (config: {
      connectionString: string;
    }) => {
      connect(): Promise<void>;
      query(sql: string, params: unknown[]): Promise<{ rowCount: number | null }>;
      end(): Promise<void>;
    };
  };

  it('refuses a message over NOTIFY’s 8000 bytes: publish an id, not a body', async () => {
    const fanout = await open(TEST_POSTGRES_URL, `fanout-${randomUUID()}`);
    await expect(fanout.publish('t', 'x'.repeat(8_000))).rejects.toThrow(/8000|7999/);
  });

  it('listens again after its connection is terminated, says so, and hears what comes next', async () => {
    const namespace = `fanout-${randomUUID()}`;
    const [a, b] = [await open(TEST_POSTGRES_URL, namespace), await open(TEST_POSTGRES_URL, namespace)];
    const heard = await listen(b, 't');
    let reconnects = 0;
    b.onReconnect(() => reconnects++);
    a.onReconnect(() => reconnects++);

    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [postgresFanoutChannel(namespace)],
      );
      expect(killed.rowCount).toBe(2); // A's and B's listening connections
    } finally {
      await admin.end();
    }
    await expect.poll(() => reconnects, { timeout: 5_000 }).toBe(2);
    await a.publish('t', 'after');
    await expect.poll(() => heard, { timeout: 1_000, interval: 5 }).toEqual(['after']);
  });
});

describe('fanout on Redis', () => {
  let redis: OwnRedis | undefined;
  afterAll(() => redis?.stop());

  it('subscribes again after its connection is killed, says so, and hears what comes next', async () => {
    redis = await startOwnRedis();
    const [a, b] = [await open(redis.url, 'own'), await open(redis.url, 'own')];
    const heard = await listen(b, 't');
    let reconnected = false;
    b.onReconnect(() => {
      reconnected = true;
    });

    const admin = createClient({ url: redis.url });
    await admin.connect();
    try {
      expect(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])).toBeGreaterThanOrEqual(1);
    } finally {
      admin.destroy();
    }
    await expect.poll(() => reconnected, { timeout: 5_000 }).toBe(true);
    await a.publish('t', 'after');
    await expect.poll(() => heard, { timeout: 1_000, interval: 5 }).toEqual(['after']);
  });
});

describe('in-process fanout (SQLite: one instance)', () => {
  it('delivers to its own subscribers of the topic', async () => {
    const fanout = localFanout();
    const heard = await listen(fanout, 't');
    const elsewhere = await listen(fanout, 'u');
    await fanout.publish('t', '1');
    expect([heard, elsewhere]).toEqual([['1'], []]);
  });
});
