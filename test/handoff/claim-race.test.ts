/**
 * Claim is exclusive: 20 agents claiming one queued conversation at once, through two assistants
 * (two connections to the same storage, as two instances would be), on SQLite and on Redis —
 * exactly one wins, every other is told who has it, and the merchant hears "joined" once.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../../src/app.ts';
import { SERVER_CHANNELS } from '../../src/channels/index.ts';
import { HandoffError } from '../../src/handoff/agent-workspace.ts';
import { createFixedClock, createSequentialIds } from '../../src/platform/clock-and-ids.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { TEST_REDIS_URL } from '../helpers/backends.ts';
import { TEST_START, tempSqliteUrl } from '../helpers/test-assistant.ts';

const AGENT_TOKENS = Array.from({ length: 20 }, (_, i) => ({
  name: `agent${i}`,
  token: `agent-token-${i}-0123456789`,
}));
const ADDRESS = { channel: 'webchat', conversationId: 'race-1' };

let opened: Assistant[] = [];
let cleanup: (() => void) | undefined;
afterEach(async () => {
  for (const assistant of opened) await assistant.close();
  opened = [];
  cleanup?.();
  cleanup = undefined;
});

async function twoInstances(storageUrl: string, namespace?: string): Promise<[Assistant, Assistant]> {
  const open = () =>
    createAssistant({
      config: { storageUrl, AGENT_TOKENS },
      logger: createLogger('silent'),
      clock: createFixedClock(TEST_START),
      ids: createSequentialIds('race'),
      ...(namespace ? { storageNamespace: namespace } : {}),
      channels: SERVER_CHANNELS,
      startWorkers: false,
    });
  opened = [await open(), await open()];
  return opened as [Assistant, Assistant];
}

const backends = [
  {
    name: 'sqlite',
    open: () => {
      const temp = tempSqliteUrl();
      cleanup = temp.cleanup;
      return twoInstances(temp.url);
    },
  },
  { name: 'redis', open: () => twoInstances(TEST_REDIS_URL, `claim-race-${randomUUID()}`) },
];

describe.each(backends)('20 agents claim at once ($name)', ({ open }) => {
  it('exactly one wins; the others get who has it', async () => {
    const [a, b] = await open();
    await a.router.handle({ ...ADDRESS, userId: 'merchant', text: '人工' });
    expect(await a.agents.queue()).toHaveLength(1);

    const results = await Promise.allSettled(
      AGENT_TOKENS.map(({ name }, i) => (i % 2 === 0 ? a : b).agents.claim(ADDRESS, name)),
    );
    const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    const losers = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(losers).toHaveLength(19);
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(HandoffError);
      expect(loser).toMatchObject({ code: 'already_claimed', owner: winner });
    }
    expect((await b.agents.view(ADDRESS)).owner).toBe(winner);
    expect(await b.agents.queue()).toEqual([]);
    // One "agent joined" for the merchant, not twenty.
    const notices = (await a.proactive.outbox.listPending()).filter((item) => item.key.startsWith('handoff/'));
    expect(notices).toHaveLength(1);
  });
});
