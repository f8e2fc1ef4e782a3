/**
 * A chat turn's commit survives `kill -9` at any moment whole or not at all: a child process commits
 * turns in a loop and is killed at a random point, several times, on every backend. Afterwards every
 * committed state has exactly its dedupe record and outbox item, and no other turn left any.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/versioned-store.ts';
import { testBackends } from '../helpers/backends.ts';

const child = fileURLToPath(new URL('./fixtures/turn-committer.ts', import.meta.url));

const backends = await testBackends('crash.sqlite');

/** Starts the committer, waits until it has committed a turn, lets it run a random while, then SIGKILLs it. */
async function runAndKill(url: string, namespace: string): Promise<void> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, url, namespace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });
  let stderr = '';
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(proc, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    proc.on('exit', (code) => reject(new Error(`committer exited (${code}) before it was ready: ${stderr}`)));
  });
  await ready;
  await sleep(50 + Math.random() * 250);
  proc.kill('SIGKILL');
  const [code, signal] = await exited;
  expect({ code, signal, stderr }).toMatchObject({ code: null, signal: 'SIGKILL', stderr: '' });
}

describe.each(backends)('commit under kill -9 on $name', ({ url }) => {
  it('leaves every turn whole or absent', async () => {
    const namespace = `test-${randomUUID()}`;
    const store = await openStore(url, { namespace });
    try {
      for (let round = 0; round < 3; round++) {
        await runAndKill(url, namespace);
        const n = (await store.get<{ n: number }>('state'))?.value.n ?? 0;
        expect(n).toBeGreaterThan(0);
        const numbers = (keys: string[]) => keys.map((key) => Number(key.split('/')[1])).sort((x, y) => x - y);
        const turns = Array.from({ length: n }, (_, i) => i + 1);
        expect(numbers(await store.keys('dedupe/'))).toEqual(turns);
        expect(numbers(await store.keys('outbox/'))).toEqual(turns);
      }
    } finally {
      for (const key of await store.keys('')) await store.delete(key);
      await store.close();
    }
  });
});
