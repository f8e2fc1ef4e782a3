/**
 * `npm run bench`: prints every figure from one run. Speed and memory are measured here,
 * never by timed assertions in tests.
 */

import { benchHttp } from './http.ts';
import { benchConversations, benchHeapPerConversation } from './in-process.ts';
import { evaluateChoices } from './nlu/choices.ts';
import { evaluate } from './nlu/evaluate.ts';
import { benchUploads } from './uploads.ts';

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const lines: string[] = [];
  const print = (line = '') => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  print(`POS unbind assistant bench — ${new Date().toISOString()} — node ${process.version}`);
  print();

  // First, while nothing else has warmed up: training is part of start-up.
  const nlu = evaluate();
  print('Language understanding (two held-out sets, never trained on: own voice / other voices):');
  print(`  training (both languages)    ${fmt(nlu.trainMs, 0)} ms`);
  print(`  parse per message            p50 ${fmt(nlu.classifyUs.p50, 0)} µs, p99 ${fmt(nlu.classifyUs.p99, 0)} µs`);
  for (const [set, locales] of Object.entries(nlu.sets)) {
    for (const [locale, result] of Object.entries(locales)) {
      print(
        `  ${`${set} ${locale}`.padEnd(28)} accuracy ${fmt(result.accuracy * 100)} % (${result.correct}/${result.total}); acted on (≥ ${nlu.clarifyBelow}) right ${fmt(result.confidentAccuracy * 100)} %; asks again ${fmt(result.clarifyShare * 100)} %`,
      );
    }
  }
  print();

  const choices = evaluateChoices();
  print('Choice understanding (held-out phrases per question, never trained on):');
  print(`  training (4 classifiers)     ${fmt(choices.trainMs, 0)} ms`);
  print(
    `  classify per answer          p50 ${fmt(choices.classifyUs.p50, 0)} µs, p99 ${fmt(choices.classifyUs.p99, 0)} µs`,
  );
  for (const r of choices.results) {
    print(
      `  ${`${r.question} ${r.locale}`.padEnd(28)} accuracy ${fmt(r.accuracy * 100)} % (${r.correct}/${r.total}); taken ${fmt(r.takenShare * 100)} %, right among taken ${fmt(r.takenAccuracy * 100)} %`,
    );
  }
  print();

  const conversations = await benchConversations(50);
  print(
    'In-process, full unbind conversations (15 turns, SQLite, through the conversation router; median of 3 rounds):',
  );
  print(`  conversations/s         ${fmt(conversations.conversationsPerSecond)}`);
  print(
    `  floor: same form over botbuilder MemoryStorage  ${fmt(conversations.memoryStorageFloor)}  (ratio ${fmt(conversations.ratio, 2)})`,
  );
  print();

  const http = await benchHttp(600, 3000);
  print('Web chat over HTTP (POST /api/webchat/messages, loopback):');
  print('  concurrency  turns/s   p50 ms  p99 ms   | echo floor turns/s  p50 ms  p99 ms | ratio');
  for (const [concurrency, r] of Object.entries(http)) {
    print(
      `  ${concurrency.padStart(11)}  ${fmt(r.product.turnsPerSecond).padStart(7)}  ${fmt(r.product.p50Ms, 2).padStart(6)}  ${fmt(r.product.p99Ms, 2).padStart(6)}   | ${fmt(r.echoFloor.turnsPerSecond).padStart(18)}  ${fmt(r.echoFloor.p50Ms, 2).padStart(6)}  ${fmt(r.echoFloor.p99Ms, 2).padStart(6)} | ${fmt(r.ratio, 2)}`,
    );
  }
  print();

  const heap = await benchHeapPerConversation(500);
  print(
    'Heap held per stored conversation (500 conversations left mid-form, after 100 to warm up; negative = GC noise):',
  );
  print(`  SQLite storage (state on disk)    ${fmt(heap.bytesPerConversation, 0)} bytes`);
  print(`  botbuilder MemoryStorage floor    ${fmt(heap.memoryStorageBytesPerConversation, 0)} bytes`);
  if (!heap.gcExposed) print('  (run with --expose-gc for stable heap figures)');
  print();

  const uploads = await benchUploads(20);
  const mb = (bytes: number) => fmt(bytes / (1024 * 1024), 1);
  print(
    `Photo uploads (POST /api/webchat/conversations/:id/uploads, a ${mb(uploads.photoBytes)} MB ${uploads.width}×${uploads.height} JPEG, ${uploads.uploads} in a row, loopback, local disk):`,
  );
  print(
    `  throughput              ${fmt(uploads.megabytesPerSecond)} MB/s  (p50 ${fmt(uploads.p50Ms, 0)} ms, p99 ${fmt(uploads.p99Ms, 0)} ms per upload)`,
  );
  print(`  store alone (checks, re-encode, thumbnail, write)  ${fmt(uploads.storeMegabytesPerSecond)} MB/s`);
  print(
    `  heap held after the uploads (GC)  ${mb(uploads.heapRetainedBytes)} MB; peak while uploading: heap +${mb(uploads.peakHeapBytes)} MB, external ${mb(uploads.peakExternalBytes)} MB`,
  );
  if (!uploads.gcExposed) print('  (run with --expose-gc for stable heap figures)');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
