/**
 * Transcript tests as data: each step is what the merchant says and what the bot's reply must
 * contain (every listed fragment, in the replies of that turn).
 */
import { expect } from 'vitest';
import type { TestChat } from './test-assistant.ts';

export type Expectation = string | RegExp | readonly (string | RegExp)[];
export type TranscriptStep = readonly [say: string, expect: Expectation];

export async function playTranscript(chat: TestChat, steps: readonly TranscriptStep[]): Promise<void> {
  for (const [index, [say, expected]] of steps.entries()) {
    const reply = await chat.sayText(say);
    const fragments = Array.isArray(expected) ? expected : [expected];
    for (const fragment of fragments as (string | RegExp)[]) {
      const context = `step ${index + 1}: merchant says ${JSON.stringify(say)}; bot replied:\n${reply}`;
      if (typeof fragment === 'string') expect(reply, context).toContain(fragment);
      else expect(reply, context).toMatch(fragment);
    }
  }
}
