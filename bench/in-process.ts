/**
 * Full unbind conversations per second in-process, against the MemoryStorage floor, and heap
 * bytes held per stored conversation.
 */
import { randomUUID } from 'node:crypto';
import type { TurnRunner } from '../src/conversation/conversation-router.ts';
import { newTurn } from '../src/conversation/pipeline/turn-pipeline.ts';
import { CONVERSATION, openMemoryStorageRunner, openSqliteServer } from './bench-setup.ts';

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function runConversations(
  count: number,
  turn: (conversationId: string, text: string, i: number) => Promise<unknown>,
) {
  const started = performance.now();
  for (let c = 0; c < count; c++) {
    const conversationId = `bench-${randomUUID()}`;
    for (const [i, text] of CONVERSATION.entries()) await turn(conversationId, text, i);
  }
  return count / ((performance.now() - started) / 1000);
}

function viaRunner(runTurn: TurnRunner) {
  return (conversationId: string, text: string) => {
    const message = { channel: 'webchat', conversationId, userId: conversationId, text };
    return runTurn(newTurn(message, message, randomUUID()));
  };
}

export async function benchConversations(count: number) {
  const { assistant, cleanup } = await openSqliteServer();
  const floor = await openMemoryStorageRunner(assistant);
  const say = (conversationId: string, text: string) =>
    assistant.router.handle({
      channel: 'webchat',
      conversationId,
      userId: conversationId,
      text,
      messageId: randomUUID(),
    });
  await runConversations(5, say); // warm-up: JIT, SQLite page cache
  await runConversations(5, viaRunner(floor.runTurn));
  // This machine is noisy (±50 % between runs): interleave rounds and keep the medians.
  const products: number[] = [];
  const floors: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    products.push(await runConversations(count, say));
    floors.push(await runConversations(count, viaRunner(floor.runTurn)));
  }
  await cleanup();
  const product = median(products);
  const memory = median(floors);
  return { conversationsPerSecond: product, memoryStorageFloor: memory, ratio: product / memory };
}

function heapUsed(): number {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap growth per conversation left mid-form (8 answers in), over `count` conversations. */
export async function benchHeapPerConversation(count: number) {
  const { assistant, cleanup } = await openSqliteServer();
  const floor = await openMemoryStorageRunner(assistant);
  const midForm = CONVERSATION.slice(0, 8);
  const leaveMidForm = async (turn: (id: string, text: string) => Promise<unknown>, conversations: number) => {
    for (let c = 0; c < conversations; c++) {
      const id = `heap-${randomUUID()}`;
      for (const text of midForm) await turn(id, text);
    }
  };
  const measure = async (turn: (id: string, text: string) => Promise<unknown>) => {
    // Warm up first, so lazily built caches and compiled code are not counted per conversation.
    await leaveMidForm(turn, 100);
    const before = heapUsed();
    await leaveMidForm(turn, count);
    // Signed: a small negative figure means nothing measurable is held (GC noise).
    return (heapUsed() - before) / count;
  };
  const product = await measure((id, text) =>
    assistant.router.handle({ channel: 'webchat', conversationId: id, userId: id, text, messageId: randomUUID() }),
  );
  const memory = await measure(viaRunner(floor.runTurn));
  await cleanup();
  return { bytesPerConversation: product, memoryStorageBytesPerConversation: memory, gcExposed: Boolean(global.gc) };
}
