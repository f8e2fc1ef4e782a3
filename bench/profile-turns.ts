/**
 * `npm run profile`: where a turn's time goes. Runs full unbind conversations in process (SQLite,
 * through the router, as the bench does), CPU-profiles them after a warm-up, writes the profile to
 * bench-turns.cpuprofile (open it in Chrome DevTools) and prints the top costs by package or file.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { CONVERSATION, openSqliteServer } from './bench-setup.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `src/…` for our files, the package for dependencies, V8's own entries by name. */
function placeOf(url: string): string | undefined {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (dependency) return dependency;
  return /\/((?:src|dialogs|bench)\/.*)$/.exec(url)?.[1] ?? (url || undefined);
}

function topPlaces(profile: Profile, count: number): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** Native functions (SQLite's statements, hashing) count where they were called from. */
  const placeOfNode = (id: number): string => {
    const node = byId.get(id) as ProfileNode;
    const own = placeOf(node.callFrame.url);
    if (own) return own;
    const up = parent.get(id);
    const caller = up === undefined ? undefined : byId.get(up);
    if (!caller || caller.callFrame.functionName === '(root)') return node.callFrame.functionName;
    return placeOfNode(caller.id);
  };
  const selfMs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const where = placeOfNode(id);
    if (where === 'node:inspector') return; // the profiler's own stop call
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    selfMs.set(where, (selfMs.get(where) ?? 0) + ms);
  });
  return [...selfMs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, ms]) => [where, (100 * ms) / total]);
}

const { assistant, cleanup } = await openSqliteServer();
const conversations = async (count: number) => {
  const started = performance.now();
  for (let c = 0; c < count; c++) {
    const conversationId = `profile-${randomUUID()}`;
    for (const text of CONVERSATION) {
      await assistant.router.handle({
        channel: 'webchat',
        conversationId,
        userId: conversationId,
        text,
        messageId: randomUUID(),
      });
    }
  }
  return count / ((performance.now() - started) / 1000);
};
await conversations(10);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const rate = await conversations(50);
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();
await cleanup();
writeFileSync('bench-turns.cpuprofile', JSON.stringify(profile));
process.stdout.write(`${rate.toFixed(1)} conversations/s while profiled; self time by place:\n`);
for (const [where, share] of topPlaces(profile, 20))
  process.stdout.write(`  ${share.toFixed(1).padStart(5)} %  ${where}\n`);
