/** Slack's text formatting both ways, and replies as Block Kit. */
import { describe, expect, it } from 'vitest';
import {
  answeredBlocks,
  escapeSlackText,
  plainTextOf,
  toSlackMessage,
} from '../../../src/channels/slack/slack-text.ts';

describe('Slack text', () => {
  it.each([
    ['plain', 'plain'],
    ['&lt;b&gt; &amp;amp;', '<b> &amp;'],
    ['<https://pan.example.com/s/a?x=1&amp;y=2>', 'https://pan.example.com/s/a?x=1&y=2'],
    ['<https://pan.example.com/s/a|pan.example.com/s/a>', 'https://pan.example.com/s/a'],
    ['<mailto:zs@example.com|zs@example.com>', 'zs@example.com'],
    ['<tel:13812345678|138 1234 5678>', '138 1234 5678'],
    ['hi <@U123> in <#C1|general>', 'hi  in general'],
  ])('%s → %s', (slackText, typed) => {
    expect(plainTextOf(slackText)).toBe(typed);
  });

  it('escapes the three control characters going out', () => {
    expect(escapeSlackText('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('choices become buttons whose value is the answer; long text and many choices stay within Slack’s limits', () => {
    expect(toSlackMessage({ text: 'no choices' })).toEqual({ text: 'no choices' });
    const long = 'x'.repeat(7000);
    const choices = Array.from({ length: 30 }, (_, i) => `${i}-${'y'.repeat(100)}`);
    const { text, blocks = [] } = toSlackMessage({ text: long, suggestedActions: choices });
    expect(text).toBe(long);
    const sections = blocks.filter((b) => b.type === 'section') as { text: { text: string } }[];
    expect(sections.map((s) => s.text.text.length)).toEqual([3000, 3000, 1000]);
    const actions = blocks.filter((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string; text: { text: string } }[];
    }[];
    expect(actions.map((a) => a.elements.length)).toEqual([25, 5]);
    const buttons = actions.flatMap((a) => a.elements);
    expect(buttons.map((b) => b.value)).toEqual(choices);
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(30);
    expect(Math.max(...buttons.map((b) => b.text.text.length))).toBe(75);
  });

  it('an answered question keeps its text and shows the answer instead of its buttons', () => {
    const blocks = toSlackMessage({ text: '同意吗？', suggestedActions: ['是', '否'] }).blocks ?? [];
    expect(answeredBlocks(blocks, '是')).toEqual([
      blocks[0],
      { type: 'context', elements: [{ type: 'plain_text', text: '✓ 是', emoji: true }] },
    ]);
  });
});
