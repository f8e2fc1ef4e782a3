/**
 * Whole conversations as data (test/transcripts/*.json, one per file): what the merchant types,
 * what each reply must (and must not) contain, what a reviewer decides in between, and the
 * outcome: which tickets exist at the end, with which fields and statuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DECISIONS } from '../../src/desk/support-desk.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';

const DIR = path.join(import.meta.dirname, '..', 'transcripts');

/** "/…/" is a regular expression; anything else a fragment the reply must contain. */
const fragment = z.string().min(1);

const turnSchema = z.union([
  z.strictObject({
    say: z.string(),
    expect: z.array(fragment).default([]),
    notExpect: z.array(fragment).default([]),
    locale: z.enum(['zh-CN', 'en-US']).optional(),
    /** Another chat of the same merchant (e.g. asking for a status from elsewhere); default the first. */
    conversation: z.string().optional(),
  }),
  z.strictObject({
    /** A reviewer decides the conversation's latest ticket; the merchant is told (as the outbox would). */
    desk: z.strictObject({
      decision: z.enum(DECISIONS),
      note: z.string().optional(),
      fields: z.array(z.string()).optional(),
    }),
    expect: z.array(fragment).default([]),
  }),
]);

const transcriptSchema = z.strictObject({
  title: z.string(),
  /** Which issue items this conversation exercises. */
  covers: z.array(z.string()).min(1),
  turns: z.array(turnSchema).min(1),
  /** Every ticket at the end, oldest first: status and the fields that matter. */
  tickets: z.array(z.strictObject({ status: z.string(), fields: z.record(z.string(), z.unknown()).optional() })),
});
type Transcript = z.infer<typeof transcriptSchema>;

function check(reply: string, fragments: string[], present: boolean, where: string): void {
  for (const f of fragments) {
    const found = f.startsWith('/') && f.endsWith('/') ? new RegExp(f.slice(1, -1)).test(reply) : reply.includes(f);
    expect(
      found,
      `${where}: ${present ? 'expected' : 'did not expect'} ${JSON.stringify(f)}; bot replied:\n${reply}`,
    ).toBe(present);
  }
}

async function play(chat: TestChat, transcript: Transcript): Promise<void> {
  const router = chat.assistant.router;
  const told: string[] = [];
  chat.onLater((text) => told.push(text));
  for (const [index, turn] of transcript.turns.entries()) {
    if ('desk' in turn) {
      const [latest] = (await chat.assistant.desk.listTickets({ channel: 'webchat', conversationId: 'conv-1' })).slice(
        -1,
      );
      expect(latest, `step ${index + 1}: a ticket to decide`).toBeDefined();
      await chat.assistant.desk.decide(latest!.id, turn.desk, 'reviewer-1');
      told.length = 0;
      await chat.deliverLater();
      check(told.join('\n---\n'), turn.expect, true, `step ${index + 1} (desk ${turn.desk.decision})`);
      continue;
    }
    const options = turn.locale ? { locale: turn.locale } : undefined;
    const reply = turn.conversation
      ? (
          await router.handle({
            channel: 'webchat',
            conversationId: turn.conversation,
            userId: 'merchant-1',
            text: turn.say,
            ...options,
          })
        )
          .map((r) => r.text)
          .join('\n---\n')
      : await chat.sayText(turn.say, options);
    const where = `step ${index + 1}: merchant says ${JSON.stringify(turn.say)}`;
    check(reply, turn.expect, true, where);
    check(reply, turn.notExpect, false, where);
  }
}

const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
let chat: TestChat | undefined;
afterEach(async () => {
  await chat?.close();
  chat = undefined;
});

describe('conversations as data', () => {
  it('there are at least 30, each valid', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const name of files) transcriptSchema.parse(JSON.parse(readFileSync(path.join(DIR, name), 'utf8')));
  });

  it.each(files)('%s', async (name) => {
    const transcript = transcriptSchema.parse(JSON.parse(readFileSync(path.join(DIR, name), 'utf8')));
    chat = await openTestChat();
    await play(chat, transcript);
    const tickets = await chat.assistant.desk.listTickets({});
    expect(
      tickets.map((ticket) => ticket.status),
      'tickets at the end',
    ).toEqual(transcript.tickets.map((t) => t.status));
    for (const [i, expected] of transcript.tickets.entries()) {
      if (expected.fields) expect(tickets[i]?.fields, `ticket ${i + 1}'s fields`).toMatchObject(expected.fields);
    }
  });
});
