/**
 * Broken connections must fail loudly and promptly: a closed port at open time, and a connection that
 * dies mid-session (cut through a small TCP proxy in front of the real server). Never an empty result,
 * never a hang.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/versioned-store.ts';

const REDIS = { host: '127.0.0.1', port: 6379 };
const POSTGRES = { host: '127.0.0.1', port: 5432 };

/** A port nobody listens on: bind an ephemeral one, then release it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Forwards connections to the target until cut(), which drops them all and stops listening. */
async function proxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

describe('broken storage connections', () => {
  it('redis on a closed port fails at open', async () => {
    await expect(openStore(`redis://127.0.0.1:${await closedPort()}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('postgres on a closed port fails at open', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    await expect(openStore(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('sqlite on an unusable path fails at open', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'broken-sqlite-'));
    try {
      await expect(openStore(`sqlite://${dir}`)).rejects.toThrow(/SQLITE_CANTOPEN/); // a directory, not a file
      await expect(openStore('sqlite://relative/file.sqlite')).rejects.toThrow(/absolute/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unknown scheme is refused without echoing the URL', async () => {
    await expect(openStore('mysql://user:secret@host/db')).rejects.toThrow(/^(?!.*secret).*Unsupported/);
  });

  it.each([
    { name: 'redis', target: REDIS, url: (port: number) => `redis://127.0.0.1:${port}` },
    { name: 'postgres', target: POSTGRES, url: (port: number) => `postgres://postgres@127.0.0.1:${port}/test` },
  ])('$name: a connection lost mid-session makes calls reject, not hang or return nothing', async ({ target, url }) => {
    const link = await proxy(target);
    const store = await openStore(url(link.port), { namespace: `test-${randomUUID()}` });
    try {
      await store.put('k', 1);
      await store.delete('k');
      await link.cut();
      const started = Date.now();
      await expect(store.get('k')).rejects.toThrow();
      await expect(store.put('k', 2, { expected: null })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await store.close().catch(() => undefined);
    }
  });
});
