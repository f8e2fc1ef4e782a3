/**
 * The real server (`src/main.ts`) with staff from the environment: a person added with
 * `npm run staff` signs in to the desk API with their own token after a start, AGENT_TOKENS people
 * too, and a broken staff file stops the start with a message naming it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runMainExpectingFailure, type ServerProcess, startServerProcess } from '../helpers/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DESK_TOKEN = 'desk-token-for-staff-process-0123';
const AGENT_TOKEN = 'agent-token-for-staff-process-01';
let dataDir: string;
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function me(token: string) {
  const response = await fetch(`${server?.url}/api/desk/me`, {
    headers: { authorization: `Bearer ${token}`, 'x-reviewer': 'mallory' },
  });
  return { status: response.status, body: response.ok ? await response.json() : undefined };
}

describe('staff in the real server', () => {
  it('reads STAFF_FILE and AGENT_TOKENS: each person signs in as themselves', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'staff-process-'));
    const staffFile = path.join(dataDir, 'people.json');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/staff/staff-cli.ts', 'add', '张三', '--roles', 'reviewer', '--file', staffFile],
      { cwd: ROOT, env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
    const token = stdout.split('\n').find((line) => /^[A-Za-z0-9_-]{43}$/.test(line)) ?? '';
    server = await startServerProcess({
      DATA_DIR: dataDir,
      DESK_API_TOKEN: DESK_TOKEN,
      STAFF_FILE: staffFile,
      AGENT_TOKENS: `li.wei:${AGENT_TOKEN}`,
    });
    expect(server.output()).toContain(`Staff:     2 with a token of their own (AGENT_TOKENS and ${staffFile})`);
    expect(await me(token)).toEqual({ status: 200, body: { name: '张三', roles: ['reviewer'] } });
    expect(await me(AGENT_TOKEN)).toEqual({ status: 200, body: { name: 'li.wei', roles: ['agent', 'reviewer'] } });
    expect(await me(DESK_TOKEN)).toEqual({ status: 200, body: { name: 'desk-api', roles: [], machine: true } });
    expect((await me(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).status).toBe(401);
    expect(server.output()).not.toContain(token);
  });

  it('refuses to start on a missing or broken staff file, and names it', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'staff-process-'));
    const staffFile = path.join(dataDir, 'people.json');
    const missing = await runMainExpectingFailure({ DATA_DIR: dataDir, STAFF_FILE: staffFile });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`STAFF_FILE: ${staffFile} does not exist`);

    writeFileSync(staffFile, JSON.stringify({ staff: [{ name: 'bob', roles: ['reviewer'], token: 'clear-token' }] }));
    const broken = await runMainExpectingFailure({ DATA_DIR: dataDir, STAFF_FILE: staffFile });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`STAFF_FILE: ${staffFile}: staff.0`);
    expect(broken.stderr).not.toContain('clear-token');
  });
});
