/**
 * `npm run staff`, run as a person runs it: add prints a fresh token once and keeps only its hash;
 * the token then signs in; remove, list, and the polite refusals.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadStaffCredentials } from '../../src/staff/staff-credentials.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs the command; resolves with its exit code and output whether it succeeds or not. */
async function staff(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/staff/staff-cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LC_ALL: 'C.UTF-8', DOTENV_CONFIG_QUIET: 'true', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The token line of `add`'s output: the only line that is one long base64url word. */
const tokenIn = (stdout: string) => stdout.split('\n').find((line) => /^[A-Za-z0-9_-]{40,}$/.test(line));

describe('npm run staff', () => {
  it('adds a person: prints the token once, keeps its hash (mode 0600), and the token signs in', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'staff-cli-'));
    const file = path.join(dir, 'staff.json');
    const added = await staff(['add', '张三', '--roles', 'reviewer,agent', '--file', file]);
    expect(added.code).toBe(0);
    const token = tokenIn(added.stdout);
    expect(token).toHaveLength(43);
    expect(added.stdout).toContain(`Added 张三 (agent,reviewer) to ${file}.`);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: file, required: true } });
    expect(credentials.authenticate(`Bearer ${token}`)).toEqual({ name: '张三', roles: ['agent', 'reviewer'] });

    // STAFF_FILE names the file when --file does not; a second person gets a different token.
    const second = await staff(['add', 'li.wei', '--roles', 'reviewer'], { STAFF_FILE: file });
    expect(second.code).toBe(0);
    expect(tokenIn(second.stdout)).not.toBe(token);
    expect((await staff(['list', '--file', file])).stdout).toBe('张三  agent,reviewer\nli.wei  reviewer\n');

    const again = await staff(['add', '张三', '--roles', 'agent', '--file', file], { LC_ALL: 'zh_CN.UTF-8' });
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toContain('张三 已在');

    expect((await staff(['remove', '张三', '--file', file])).code).toBe(0);
    expect((await staff(['list', '--file', file])).stdout).toBe('li.wei  reviewer\n');
    const gone = loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: file, required: true } });
    expect(gone.authenticate(`Bearer ${token}`)).toBeUndefined();
  });

  it('defaults to staff.json in DATA_DIR', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'staff-cli-'));
    expect((await staff(['add', 'bob', '--roles', 'agent'], { DATA_DIR: dir })).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'staff.json'), 'utf8')).staff).toEqual([
      { name: 'bob', roles: ['agent'], tokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it.each([
    [['add', 'a b', '--roles', 'reviewer'], /cannot be a name/],
    [['add', 'bob'], /--roles/],
    [['add', 'bob', '--roles', 'admin'], /--roles/],
    [['remove', 'nobody'], /is not in/],
    [['fly'], /Usage/],
    [['add', 'bob', '--colour', 'red'], /Usage/],
  ])('%j is refused with a message, writing nothing', async (args, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'staff-cli-'));
    const result = await staff([...args, '--file', path.join(dir, 'staff.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(() => statSync(path.join(dir, 'staff.json'))).toThrow();
  });
});
