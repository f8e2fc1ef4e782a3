/**
 * Web chat HTTP turns per second and turn latency (p50/p99) at 1 and 50 concurrent
 * conversations, against an echo bot on the same HTTP stack as the floor.
 */
import { randomUUID } from 'node:crypto';
import { startHttpServer } from '../src/http/start-server.ts';
import { CONVERSATION, openSqliteServer } from './bench-setup.ts';

export interface HttpFigures {
  turnsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A web chat conversation as the page starts one: the server issues its id and token. */
async function startConversation(url: string): Promise<{ conversationId: string; token: string }> {
  const response = await fetch(`${url}/api/webchat/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status !== 201) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as { conversationId: string; token: string };
}

/** `concurrency` merchants each going through whole conversations until `turns` turns are done. */
async function drive(url: string, concurrency: number, turns: number): Promise<HttpFigures> {
  const latencies: number[] = [];
  let remaining = turns;
  const merchant = async () => {
    let conversation = await startConversation(url);
    let step = 0;
    while (remaining-- > 0) {
      const started = performance.now();
      const response = await fetch(`${url}/api/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
        body: JSON.stringify({
          conversationId: conversation.conversationId,
          text: CONVERSATION[step],
          messageId: randomUUID(),
        }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      step += 1;
      if (step === CONVERSATION.length) {
        step = 0;
        // Starting a conversation is not a turn: outside the timed request.
        conversation = await startConversation(url);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, merchant));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    turnsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export async function benchHttp(turnsAtOne: number, turnsAtFifty: number) {
  const real = await openSqliteServer();
  // The floor: the same server and turn pipeline with an echo in place of the bot.
  const echo = await openSqliteServer({ runTurn: async ({ message }) => [{ text: message.text }] });
  const product = await startHttpServer(real.server.app, 0, '127.0.0.1');
  const floor = await startHttpServer(echo.server.app, 0, '127.0.0.1');
  const results: Record<string, { product: HttpFigures; echoFloor: HttpFigures; ratio: number }> = {};
  for (const [label, concurrency, turns] of [
    ['1', 1, turnsAtOne],
    ['50', 50, turnsAtFifty],
  ] as const) {
    await drive(product.url, concurrency, Math.min(200, turns)); // warm-up
    await drive(floor.url, concurrency, Math.min(200, turns));
    const productFigures = await drive(product.url, concurrency, turns);
    const floorFigures = await drive(floor.url, concurrency, turns);
    results[label] = {
      product: productFigures,
      echoFloor: floorFigures,
      ratio: productFigures.turnsPerSecond / floorFigures.turnsPerSecond,
    };
  }
  await product.close();
  await floor.close();
  await real.cleanup();
  await echo.cleanup();
  return results;
}
