/**
 * The bot's replies as WeChat text: suggested actions become numbered lines (WeChat has no
 * buttons), and text is cut into pieces within WeChat's 2,048-byte limit per message, at line
 * breaks where it can, never inside a character.
 */
import type { OutboundReply } from '../../conversation/messages.ts';
import { t } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';

/** WeChat's limit on a text message's content, in UTF-8 bytes. */
export const WECHAT_TEXT_LIMIT_BYTES = 2048;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const NUMBERED_LINE = /^\s*\d+\.\s/m;

/**
 * How a reply's choices are shown: the bot numbered them itself ("1. 正常使用"); or we number
 * them; or the text numbers something else (the summary's fields, where "3" edits field 3), so
 * the choices are named, not numbered, and a digit goes to the bot as typed.
 */
function choiceStyle(reply: OutboundReply): 'bot' | 'ours' | 'named' {
  const actions = reply.suggestedActions ?? [];
  const lines = reply.text.split('\n').map((line) => line.trim());
  if (actions.every((action, i) => lines.includes(`${i + 1}. ${action}`))) return 'bot';
  return NUMBERED_LINE.test(reply.text) ? 'named' : 'ours';
}

/** One reply's text with its choices as numbered lines. */
export function replyText(reply: OutboundReply, locale: Locale): string {
  const actions = reply.suggestedActions ?? [];
  if (actions.length === 0) return reply.text;
  switch (choiceStyle(reply)) {
    case 'bot':
      return [reply.text, t(locale, 'wechat:choiceHint')].join('\n');
    case 'ours':
      return [
        reply.text,
        ...actions.map((action, i) => t(locale, 'wechat:choiceLine', { number: i + 1, choice: action })),
        t(locale, 'wechat:choiceHint'),
      ].join('\n');
    case 'named':
      return [reply.text, t(locale, 'wechat:replyWith', { choices: actions.map((a) => `「${a}」`).join(' / ') })].join(
        '\n',
      );
  }
}

/** What "1", "2", … stand for after these replies: the numbered choices of the last reply that offered any. */
export function choicesOf(replies: readonly OutboundReply[]): string[] | undefined {
  for (let i = replies.length - 1; i >= 0; i--) {
    const reply = replies[i];
    if (reply?.suggestedActions?.length)
      return choiceStyle(reply) === 'named' ? undefined : [...reply.suggestedActions];
  }
  return undefined;
}

/** The choice a bare number picks, if it picks one; anything else (a phone number too) goes as typed. */
export function pickChoice(text: string, choices: readonly string[] | undefined): string | undefined {
  const match = /^\s*(\d{1,2})\s*$/.exec(text);
  if (!match || !choices) return undefined;
  return choices[Number(match[1]) - 1];
}

/** Cuts `text` into pieces of at most `limit` UTF-8 bytes: at line breaks, else between characters. */
export function splitForWechat(text: string, limit = WECHAT_TEXT_LIMIT_BYTES): string[] {
  if (bytes(text) <= limit) return [text];
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current !== '') pieces.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const joined = current === '' ? line : `${current}\n${line}`;
    if (bytes(joined) <= limit) {
      current = joined;
      continue;
    }
    flush();
    if (bytes(line) <= limit) {
      current = line;
      continue;
    }
    // One line over the limit: cut between code points.
    for (const char of line) {
      if (bytes(current) + bytes(char) > limit) flush();
      current += char;
    }
  }
  flush();
  return pieces;
}

/** Every reply as WeChat messages, in order. */
export function toWechatMessages(replies: readonly OutboundReply[], locale: Locale): string[] {
  return replies.flatMap((reply) => splitForWechat(replyText(reply, locale)));
}

/** Replies joined into as few messages as fit (a passive reply carries one message). */
export function toCombinedMessages(replies: readonly OutboundReply[], locale: Locale): string[] {
  const texts = replies.map((reply) => replyText(reply, locale)).filter((text) => text !== '');
  return splitForWechat(texts.join('\n\n'));
}
