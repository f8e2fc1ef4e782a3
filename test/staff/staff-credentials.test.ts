/**
 * Who a bearer token belongs to: AGENT_TOKENS' people and the staff file's, compared in constant
 * time over every entry, with names and files checked before anyone can sign in.
 */

import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { createStaffCredentials, hasRole, loadStaffCredentials } from '../../src/staff/staff-credentials.ts';
import { addStaffMember, StaffFileError, tokenSha256 } from '../../src/staff/staff-file.ts';
import { staffNameSchema } from '../../src/validation/staff.ts';

const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  bob: 'bob-token-0123456789abcdefgh',
  张三: 'zhang-token-0123456789abcdef',
};
const agents = Object.entries(TOKENS).map(([name, token]) => ({ name, token }));
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'staff-'));

/** The real timingSafeEqual, counted. */
function countedCompare() {
  const calls = { count: 0 };
  const compare = (a: Buffer, b: Buffer) => {
    calls.count += 1;
    return timingSafeEqual(a, b);
  };
  return { calls, compare };
}

/** `token` with its character at `index` changed: the same length, wrong. */
function nearMiss(token: string, index: number): string {
  const replaced = token[index] === 'x' ? 'y' : 'x';
  return `${token.slice(0, index)}${replaced}${token.slice(index + 1)}`;
}

describe('staff credentials', () => {
  it('AGENT_TOKENS people get both roles; the name comes from the token', () => {
    const staff = createStaffCredentials({ agents });
    expect(staff.size).toBe(3);
    expect(staff.authenticate(`Bearer ${TOKENS.张三}`)).toEqual({ name: '张三', roles: ['agent', 'reviewer'] });
    expect(staff.authenticate(`bearer   ${TOKENS.alice}  `)).toEqual({ name: 'alice', roles: ['agent', 'reviewer'] });
    expect(hasRole(staff.authenticate(`Bearer ${TOKENS.bob}`), 'reviewer')).toBe(true);
  });

  it('no, malformed or unknown credentials belong to nobody', () => {
    const staff = createStaffCredentials({ agents });
    for (const header of [undefined, '', TOKENS.alice, `Basic ${TOKENS.alice}`, 'Bearer', `Bearer ${TOKENS.alice} x`]) {
      expect(staff.authenticate(header), String(header)).toBeUndefined();
    }
    expect(createStaffCredentials({}).authenticate(`Bearer ${TOKENS.alice}`)).toBeUndefined();
  });

  it('compares every entry, whichever matches, and refuses wrong tokens of the same length', () => {
    const { calls, compare } = countedCompare();
    const staff = createStaffCredentials({ agents }, compare);
    const attempts: [string, string | undefined][] = [
      [TOKENS.alice, 'alice'], // the first entry: the loop still runs to the end
      [TOKENS.张三, '张三'], // the last
      [nearMiss(TOKENS.alice, 0), undefined],
      [nearMiss(TOKENS.alice, TOKENS.alice.length - 1), undefined],
      [nearMiss(TOKENS.bob, 10), undefined],
      ['x'.repeat(TOKENS.bob.length), undefined],
    ];
    for (const [token, expected] of attempts) {
      calls.count = 0;
      expect(staff.identify(token)?.name, token).toBe(expected);
      expect(calls.count, token).toBe(agents.length);
    }
  });

  it('refuses a name or a token given twice, and DESK_API_TOKEN as a personal token', () => {
    const entry = { name: 'alice', roles: ['reviewer' as const], tokenSha256: tokenSha256('another-token-0123456789') };
    expect(() => createStaffCredentials({ agents, entries: [entry] })).toThrow(/alice: named in both/);
    const sameToken = { name: 'carol', roles: ['reviewer' as const], tokenSha256: tokenSha256(TOKENS.bob) };
    expect(() => createStaffCredentials({ agents, entries: [sameToken] })).toThrow(/carol: has the same token/);
    const config = { AGENT_TOKENS: agents, staffFile: { path: path.join(tempDir(), 'staff.json'), required: false } };
    expect(() => loadStaffCredentials(config, TOKENS.bob)).toThrow(/bob: has DESK_API_TOKEN/);
    expect(loadStaffCredentials(config, 'desk-token-0123456789abcdef').size).toBe(3);
  });
});

describe('the staff file', () => {
  it('keeps only the SHA-256 of each token, mode 0600, and the token signs in with its roles', () => {
    const file = path.join(tempDir(), 'nested', 'staff.json');
    let n = 0;
    const newToken = () => `fresh-token-${++n}-0123456789abcdef`;
    const zhang = addStaffMember(file, { name: '张三', roles: ['reviewer'] }, newToken);
    const li = addStaffMember(file, { name: 'li.wei@example.com', roles: ['agent'] }, newToken);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(zhang.token);
    expect(text).not.toContain(li.token);
    expect(text).toContain(tokenSha256(zhang.token));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(text)).toEqual({
      staff: [
        { name: '张三', roles: ['reviewer'], tokenSha256: tokenSha256(zhang.token) },
        { name: 'li.wei@example.com', roles: ['agent'], tokenSha256: tokenSha256(li.token) },
      ],
    });
    const staff = loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: file, required: true } });
    expect(staff.authenticate(`Bearer ${zhang.token}`)).toEqual({ name: '张三', roles: ['reviewer'] });
    expect(staff.authenticate(`Bearer ${li.token}`)).toEqual({ name: 'li.wei@example.com', roles: ['agent'] });
    expect(() => addStaffMember(file, { name: '张三', roles: ['agent'] }, newToken)).toThrow(StaffFileError);
  });

  it('a configured file must exist; the default one may not exist yet', () => {
    const missing = path.join(tempDir(), 'staff.json');
    expect(() => loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: missing, required: true } })).toThrow(
      `STAFF_FILE: ${missing} does not exist`,
    );
    expect(loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: missing, required: false } }).size).toBe(0);
  });

  it.each([
    ['not JSON', '{"staff": [', /not valid JSON/],
    ['a token in clear', JSON.stringify({ staff: [{ name: 'a', roles: ['reviewer'], token: 'secret' }] }), /staff\.0/],
    ['a short hash', JSON.stringify({ staff: [{ name: 'a', roles: ['reviewer'], tokenSha256: 'abc' }] }), /SHA-256/],
    [
      'an unknown role',
      JSON.stringify({ staff: [{ name: 'a', roles: ['admin'], tokenSha256: 'a'.repeat(64) }] }),
      /roles/,
    ],
    ['no role', JSON.stringify({ staff: [{ name: 'a', roles: [], tokenSha256: 'a'.repeat(64) }] }), /roles/],
    [
      'a name with markup',
      JSON.stringify({ staff: [{ name: '<b>', roles: ['agent'], tokenSha256: 'a'.repeat(64) }] }),
      /name/,
    ],
    [
      'one name twice',
      JSON.stringify({
        staff: [
          { name: 'a', roles: ['agent'], tokenSha256: 'a'.repeat(64) },
          { name: 'a', roles: ['agent'], tokenSha256: 'b'.repeat(64) },
        ],
      }),
      /a is listed twice/,
    ],
  ])('refuses %s, naming the file', (_case, contents, problem) => {
    const file = path.join(tempDir(), 'staff.json');
    writeFileSync(file, contents);
    const load = () => loadStaffCredentials({ AGENT_TOKENS: [], staffFile: { path: file, required: true } });
    expect(load).toThrow(StaffFileError);
    expect(load).toThrow(problem);
    expect(load).toThrow(file);
  });
});

describe('names and AGENT_TOKENS', () => {
  it.each(['张三', 'alice', 'li.wei@example.com', 'O-Neil_2', 'a'.repeat(64)])('%s is a name', (name) => {
    expect(staffNameSchema.safeParse(name).success).toBe(true);
  });
  it.each(['', 'a b', '<img>', 'a:b', 'a,b', 'x'.repeat(65), 'tab\there', '😀'])('%j is not', (name) => {
    expect(staffNameSchema.safeParse(name).success).toBe(false);
  });

  const load = (AGENT_TOKENS: string) => loadConfig({ AGENT_TOKENS, DATA_DIR: tempDir() }, () => 'generated');

  it('reads name:token pairs; a token may contain a colon', () => {
    expect(load(`张三:${TOKENS.张三}, bob:${TOKENS.bob}:x`).AGENT_TOKENS).toEqual([
      { name: '张三', token: TOKENS.张三 },
      { name: 'bob', token: `${TOKENS.bob}:x` },
    ]);
  });
  it.each([
    ['a short token', 'bob:short'],
    ['no token', 'bob'],
    ['a name with a space', `bob smith:${TOKENS.bob}`],
    ['one name twice', `bob:${TOKENS.bob},bob:${TOKENS.alice}`],
  ])('refuses %s', (_case, value) => {
    expect(() => load(value)).toThrow(ConfigError);
    expect(() => load(value)).toThrow(/AGENT_TOKENS/);
  });

  it('STAFF_FILE when set, else staff.json in DATA_DIR', () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir }, () => 'generated').staffFile).toEqual({
      path: path.join(dir, 'staff.json'),
      required: false,
    });
    expect(loadConfig({ DATA_DIR: dir, STAFF_FILE: path.join(dir, 'people.json') }, () => 'g').staffFile).toEqual({
      path: path.join(dir, 'people.json'),
      required: true,
    });
  });
});
