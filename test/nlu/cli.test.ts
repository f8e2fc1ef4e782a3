import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/nlu/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
  });

describe('nlu cli', () => {
  it('prints parse() as JSON', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/nlu/cli.ts', '我要解绑 SN号N5W1234567 店关门了'],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(out)).toEqual({
      intent: { name: 'unbind', confidence: expect.any(Number) },
      entities: [
        { type: 'sn', value: 'N5W1234567', text: 'N5W1234567' },
        { type: 'reason', value: 'relocation_or_closure', text: '店关门' },
      ],
      locale: 'zh-CN',
    });
  });

  it('takes a locale hint', () => {
    expect(JSON.parse(run('N5W1234567', '--locale', 'en-US').stdout).locale).toBe('en-US');
  });

  it('explains its usage without a message', () => {
    const result = run();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage');
  });
});
