/**
 * Slack's message formatting, both ways. Slack sends `&`, `<` and `>` escaped and wraps what it
 * recognised in angle brackets (`<https://…>`, `<mailto:a@b.cn|a@b.cn>`, `<tel:…|…>`, `<@U1>`);
 * the bot wants what the merchant typed. Going out, the same three characters are escaped so a
 * reply is shown as written, and choices become Block Kit buttons.
 */
import type { OutboundReply } from '../../conversation/messages.ts';

/** A button's action id prefix: `answer_<n>`; the listener matches these. */
export const ANSWER_ACTION_PREFIX = 'answer_';

// Slack's limits (Block Kit reference): section text 3,000; button text 75, value 2,000; 25 elements an actions block.
const SECTION_MAX = 3000;
const BUTTON_TEXT_MAX = 75;
const BUTTON_VALUE_MAX = 2000;
const BUTTONS_PER_BLOCK = 25;

/** What the merchant typed, from a message event's `text`. */
export function plainTextOf(slackText: string): string {
  return slackText
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      // A mailto or tel link shows what was typed; a web link's target is the document link itself.
      if (/^(mailto|tel):/i.test(target)) return label ?? target.replace(/^(mailto|tel):/i, '');
      if (/^https?:\/\//i.test(target)) return target;
      // Mentions and channel links: their label when Slack gives one, else nothing the bot could use.
      return label ?? '';
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Escapes the three characters Slack reads as formatting controls. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += max) parts.push(text.slice(i, i + max));
  return parts.length > 0 ? parts : [' '];
}

export interface SlackMessageBody {
  text: string;
  blocks?: Record<string, unknown>[];
}

/** A reply as chat.postMessage's `text` (also the notification) and, with choices, blocks with buttons. */
export function toSlackMessage(reply: OutboundReply): SlackMessageBody {
  const text = escapeSlackText(reply.text);
  const actions = reply.suggestedActions ?? [];
  if (actions.length === 0) return { text };
  const sections = splitText(reply.text, SECTION_MAX).map((part) => ({
    type: 'section',
    text: { type: 'plain_text', text: part, emoji: true },
  }));
  const buttons = actions.map((action, i) => ({
    type: 'button',
    action_id: `${ANSWER_ACTION_PREFIX}${i}`,
    text: { type: 'plain_text', text: clip(action, BUTTON_TEXT_MAX), emoji: true },
    value: action.slice(0, BUTTON_VALUE_MAX),
  }));
  const actionBlocks = chunks(buttons, BUTTONS_PER_BLOCK).map((elements) => ({ type: 'actions', elements }));
  return { text, blocks: [...sections, ...actionBlocks] };
}

/** The message whose button was clicked, with its buttons replaced by the answer given: one answer a message. */
export function answeredBlocks(blocks: readonly Record<string, unknown>[], answer: string): Record<string, unknown>[] {
  return [
    ...blocks.filter((block) => block.type !== 'actions'),
    { type: 'context', elements: [{ type: 'plain_text', text: `✓ ${clip(answer, SECTION_MAX - 2)}`, emoji: true }] },
  ];
}
