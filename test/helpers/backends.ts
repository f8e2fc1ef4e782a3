/**
 * The three storage backends every storage-level suite runs on, for real: an SQLite file in a
 * temporary folder (removed after the suite), the local Redis and the local PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `sqliteFile` is relative to a fresh temporary folder (nested folders are created by the store). */
export async function testBackends(sqliteFile: string) {
  const tmp = await mkdtemp(path.join(tmpdir(), 'backends-'));
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  return [
    { name: 'sqlite', url: `sqlite://${path.join(tmp, sqliteFile)}` },
    { name: 'redis', url: TEST_REDIS_URL },
    { name: 'postgres', url: TEST_POSTGRES_URL },
  ];
}
