import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDeadline } from '../../src/storage/deadline.ts';
import { openStore, StorageTimeoutError, type VersionedStore } from '../../src/storage/versioned-store.ts';
import { type OwnRedis, startOwnRedis } from '../helpers/own-redis.ts';

const TIMEOUT_MS = 500;
const POSTGRES = { host: '127.0.0.1', port: 5432 };
const POSTGRES_URL = (port: number) => `postgres://postgres@127.0.0.1:${port}/test`;

/** Expects `operation` to reject with a StorageTimeoutError, about TIMEOUT_MS after it started. */
async function expectTimeout(operation: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const error = await operation().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(StorageTimeoutError);
  expect(error).toMatchObject({ code: 'storage_timeout', timeoutMs: TIMEOUT_MS });
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
}

/** Every kind of operation, on keys other than the ones whose survival is checked. */
const operations = (store: VersionedStore) => ({
  get: () => store.get('frozen/a'),
  getMany: () => store.getMany(['frozen/a', 'frozen/b']),
  put: () => store.put('frozen/put', 1),
  putExpected: () => store.put('frozen/cas', 1, { expected: null }),
  commit: () =>
    store.commit([
      { key: 'frozen/c1', value: 1, expected: null },
      { key: 'frozen/c2', value: 2 },
    ]),
  delete: () => store.delete('frozen/none'),
  increment: () => store.increment('frozen/count'),
  keys: () => store.keys('frozen/'),
  ping: () => store.ping(),
});

/** A TCP proxy that, while frozen, holds every byte in both directions, as a stopped server or a stalled network would. */
async function freezableProxy(target: { host: string; port: number }) {
  let frozen = false;
  const held: Array<() => void> = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => (frozen ? held.push(() => to.write(chunk)) : to.write(chunk)));
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const deliver of held.splice(0)) deliver();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('deadline', () => {
  it('rejects with a StorageTimeoutError and aborts the work', async () => {
    let signal: AbortSignal | undefined;
    await expectTimeout(() =>
      withDeadline('test', TIMEOUT_MS, (s) => {
        signal = s;
        return new Promise(() => undefined);
      }),
    );
    expect(signal?.aborted).toBe(true);
    await expect(withDeadline('test', TIMEOUT_MS, async () => 'done')).resolves.toBe('done');
    await expect(withDeadline('test', TIMEOUT_MS, async () => Promise.reject(new Error('own')))).rejects.toThrow('own');
  });

  it('openStore refuses a timeoutMs that is not a positive number', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(openStore('sqlite:///tmp/never-opened.sqlite', { timeoutMs })).rejects.toThrow(RangeError);
    }
  });
});

describe('a Redis server frozen with SIGSTOP', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(() => redis.stop());

  it('makes every operation time out; after SIGCONT the same store works, nothing lost', async () => {
    const { url } = redis;
    const store = await openStore(url, { namespace: `test-${randomUUID()}`, timeoutMs: TIMEOUT_MS });
    try {
      const kept = await store.put('kept', { answer: 42 });
      await store.commit([{ key: 'kept/dedupe', value: true, expected: null, ttlMs: 60_000 }]);

      redis.freeze();
      for (const operation of Object.values(operations(store))) await expectTimeout(operation);
      // Opening another store does not hang either.
      await expectTimeout(() => openStore(url, { timeoutMs: TIMEOUT_MS }));

      redis.thaw();
      await store.ping();
      expect(await store.get('kept')).toEqual({ value: { answer: 42 }, version: kept });
      expect((await store.get('kept/dedupe'))?.value).toBe(true);
      const [version] = await store.commit([{ key: 'kept', value: { answer: 43 }, expected: kept }]);
      expect(await store.get('kept')).toEqual({ value: { answer: 43 }, version });
    } finally {
      redis.thaw();
      await store.close();
    }
  });
});

describe('PostgreSQL behind a frozen connection', () => {
  it('makes every operation time out; once thawed the same store works, nothing lost', async () => {
    const link = await freezableProxy(POSTGRES);
    const namespace = `test-${randomUUID()}`;
    const store = await openStore(POSTGRES_URL(link.port), { namespace, timeoutMs: TIMEOUT_MS });
    try {
      const kept = await store.put('kept', { answer: 42 });

      link.freeze();
      for (const operation of Object.values(operations(store))) await expectTimeout(operation);
      await expectTimeout(() => openStore(POSTGRES_URL(link.port), { timeoutMs: TIMEOUT_MS }));

      link.thaw();
      await store.ping();
      expect(await store.get('kept')).toEqual({ value: { answer: 42 }, version: kept });
      const [version] = await store.commit([{ key: 'kept', value: { answer: 43 }, expected: kept }]);
      expect(await store.get('kept')).toEqual({ value: { answer: 43 }, version });
    } finally {
      link.thaw();
      for (const key of await store.keys('')) await store.delete(key);
      await store.close();
      await link.close();
    }
  });
});

describe('PostgreSQL with a row locked by another connection', () => {
  interface PgClient {
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<unknown>;
    end(): Promise<void>;
  }
  // pg is @keyv/postgres's dependency: the copy the backend uses.
  const pg = createRequire(createRequire(import.meta.url).resolve('@keyv/postgres'))('pg') as {
    Client: new (config: { connectionString: string }) => PgClient;
  };

  it('writes waiting for the lock time out, and the server cancels them too', async () => {
    const namespace = `test-${randomUUID()}`;
    const store = await openStore(POSTGRES_URL(POSTGRES.port), { namespace, timeoutMs: TIMEOUT_MS });
    const other = new pg.Client({ connectionString: POSTGRES_URL(POSTGRES.port) });
    await other.connect();
    try {
      const v1 = await store.put('locked', 'before');
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM keyv WHERE key = $1 FOR UPDATE', [`${namespace}:locked`]);

      await expectTimeout(() => store.commit([{ key: 'locked', value: 'during', expected: v1 }]));
      await expectTimeout(() => store.put('locked', 'during', { expected: v1 }));
      // Other rows are not blocked.
      await store.commit([{ key: 'free', value: 'ok', expected: null }]);

      // The server cancels each waiting statement timeoutMs after it began (statement_timeout), which is at
      // most timeoutMs after the caller was told: release the lock only after that.
      await sleep(TIMEOUT_MS + 200);
      await other.query('ROLLBACK');
      await sleep(200);
      expect(await store.get('locked')).toEqual({ value: 'before', version: v1 });
      await store.commit([{ key: 'locked', value: 'after', expected: v1 }]);
      expect((await store.get('locked'))?.value).toBe('after');
    } finally {
      await other.end();
      for (const key of await store.keys('')) await store.delete(key);
      await store.close();
    }
  });
});

describe('SQLite with the write lock held by another connection', () => {
  it('writes time out, reads go on, and writes work once the lock is released', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sqlite-timeout-'));
    const file = path.join(dir, 'store.sqlite');
    const store = await openStore(`sqlite://${file}`, { timeoutMs: TIMEOUT_MS });
    const other = new Database(file);
    try {
      const v1 = await store.put('kept', 'before');
      other.exec('BEGIN IMMEDIATE');

      await expectTimeout(() => store.commit([{ key: 'kept', value: 'during', expected: v1 }]));
      await expectTimeout(() => store.put('other', 1));
      // WAL: readers do not wait for the writer.
      expect(await store.get('kept')).toEqual({ value: 'before', version: v1 });
      await store.ping();

      other.exec('COMMIT');
      await store.commit([{ key: 'kept', value: 'after', expected: v1 }]);
      expect((await store.get('kept'))?.value).toBe('after');
    } finally {
      other.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
