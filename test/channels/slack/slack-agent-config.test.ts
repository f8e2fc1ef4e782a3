/**
 * The agent workspace's settings (SLACK_AGENT_CHANNEL, SLACK_AGENT_USERS, SLACK_AGENT_LOCALE) in
 * the one configuration schema: parsed into a map of Slack user → staff name, and every mistake
 * stops the start with the variable's name.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, slackSettingsOf } from '../../../src/platform/config.ts';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../../helpers/slack-requests.ts';

const SLACK = { SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_BOT_TOKEN: TEST_BOT_TOKEN, DATA_DIR: '/tmp/unused' };
const load = (env: Record<string, string>) => loadConfig({ ...SLACK, ...env }, () => 'generated-token-0123456789');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, () => 'generated-token-0123456789');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Slack agent workspace settings', () => {
  it('maps Slack users to staff names; the agents read their cards in SLACK_AGENT_LOCALE (Chinese by default)', () => {
    const settings = slackSettingsOf(
      load({ SLACK_AGENT_CHANNEL: 'C0AGENTS1', SLACK_AGENT_USERS: ' U0ALICE1:alice , W0BOB001:bob' }),
    );
    expect(settings?.agents).toEqual({
      channel: 'C0AGENTS1',
      users: new Map([
        ['U0ALICE1', 'alice'],
        ['W0BOB001', 'bob'],
      ]),
      locale: 'zh-CN',
    });
    expect(
      slackSettingsOf(load({ SLACK_AGENT_CHANNEL: 'G0PRIVATE', SLACK_AGENT_LOCALE: 'en-US' }))?.agents?.locale,
    ).toBe('en-US');
    expect(slackSettingsOf(load({}))?.agents).toBeUndefined();
  });

  it.each([
    [{ ...SLACK, SLACK_AGENT_CHANNEL: '#pos-agents' }, 'SLACK_AGENT_CHANNEL: must be a Slack channel id'],
    [
      { ...SLACK, SLACK_AGENT_CHANNEL: 'C0AGENTS1', SLACK_AGENT_USERS: 'alice' },
      'SLACK_AGENT_USERS: expected SlackUserId:name',
    ],
    [
      { ...SLACK, SLACK_AGENT_CHANNEL: 'C0AGENTS1', SLACK_AGENT_USERS: 'U0ALICE1:al ice' },
      'SLACK_AGENT_USERS: expected',
    ],
    [
      { ...SLACK, SLACK_AGENT_CHANNEL: 'C0AGENTS1', SLACK_AGENT_USERS: 'U0ALICE1:alice,U0ALICE1:bob' },
      'SLACK_AGENT_USERS: U0ALICE1 is listed twice',
    ],
    [{ ...SLACK, SLACK_AGENT_USERS: 'U0ALICE1:alice' }, 'SLACK_AGENT_USERS: set SLACK_AGENT_CHANNEL too'],
    [
      { DATA_DIR: '/tmp/unused', SLACK_AGENT_CHANNEL: 'C0AGENTS1' },
      'SLACK_AGENT_CHANNEL: the agent workspace needs Slack on',
    ],
    [{ ...SLACK, SLACK_AGENT_CHANNEL: 'C0AGENTS1', SLACK_AGENT_LOCALE: 'fr-FR' }, 'SLACK_AGENT_LOCALE'],
  ])('refuses %j', (env, problem) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });
});
