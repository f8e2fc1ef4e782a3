/**
 * The SQLite file itself: private file modes, WAL, and the table layout @keyv/sqlite wrote before
 * (so existing data files open unchanged).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/versioned-store.ts';

const tmp = await mkdtemp(path.join(tmpdir(), 'sqlite-file-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('the SQLite storage file', () => {
  it.each([
    { umask: 0o022, octal: '022' },
    { umask: 0o000, octal: '000' },
  ])('is created 0600, with its -wal and -shm files, under umask $octal', async ({ umask }) => {
    const file = path.join(tmp, `private-${umask}.sqlite`);
    const previous = process.umask(umask);
    try {
      const store = await openStore(`sqlite://${file}`);
      try {
        await store.commit([{ key: 'k', value: 'v', expected: null }]);
        expect(await modeOf(file)).toBe(0o600);
        expect(await modeOf(`${file}-wal`)).toBe(0o600);
        expect(await modeOf(`${file}-shm`)).toBe(0o600);
      } finally {
        await store.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('is in WAL mode', async () => {
    const file = path.join(tmp, 'wal.sqlite');
    const store = await openStore(`sqlite://${file}`);
    try {
      await store.put('k', 1);
      const other = new Database(file, { readonly: true });
      try {
        expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        other.close();
      }
    } finally {
      await store.close();
    }
  });

  it('reads and writes a file laid out by @keyv/sqlite', async () => {
    const file = path.join(tmp, 'legacy.sqlite');
    const legacy = new Database(file);
    // @keyv/sqlite 4's own DDL, and a record as the store wrote it through that adapter.
    legacy.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    legacy
      .prepare('INSERT INTO keyv (key, value) VALUES (?, ?)')
      .run('keyv:greeting', JSON.stringify({ value: { value: { text: '你好' }, version: 'v1' } }));
    legacy.close();

    const store = await openStore(`sqlite://${file}`);
    try {
      expect(await store.get('greeting')).toEqual({ value: { text: '你好' }, version: 'v1' });
      const [version] = await store.commit([{ key: 'greeting', value: { text: 'hi' }, expected: 'v1' }]);
      expect(await store.get('greeting')).toEqual({ value: { text: 'hi' }, version });
    } finally {
      await store.close();
    }
  });
});
