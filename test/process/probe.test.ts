/**
 * `npm run probe` (issue 8's attacks) against a fresh `npm start`, in its short `--quick` form:
 * every row holds. The full run's figures are in README.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DESK_TOKEN = 'probe-test-desk-token-0123';

let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'probe-'));
  server = await startServerProcess({ DATA_DIR: dataDir, DESK_API_TOKEN: DESK_TOKEN, LOG_LEVEL: 'silent' });
}, 30_000);

afterAll(async () => {
  await server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function runProbe(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/probe.ts', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

it('holds against every attack: broke: 0', async () => {
  const { code, stdout, stderr } = await runProbe(['--url', server.url, '--desk-token', DESK_TOKEN, '--quick']);
  expect(stderr).toBe('');
  expect(stdout).toMatch(/\nbroke: 0\n$/);
  expect(stdout).toMatch(/^attack\s+tried\s+held\s+broke/);
  expect(stdout.trim().split('\n')).toHaveLength(11);
  expect(code).toBe(0);
}, 120_000);

it('refuses anything but loopback', async () => {
  const { code, stderr } = await runProbe(['--url', 'http://192.0.2.1:3978', '--desk-token', DESK_TOKEN, '--quick']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/refusing/);
});
