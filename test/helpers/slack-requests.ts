/**
 * Slack's side of the wire, for tests: signed Events API deliveries and button clicks, as
 * PROTOCOLS.md §2.1 describes them (`v0=` hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`).
 */
import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99aaabbb85a5';
export const TEST_BOT_TOKEN = 'xoxb-test-0001-bot';

export function slackSignature(secret: string, timestamp: number | string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SlackPost {
  /** The raw body exactly as sent (it is what is signed). */
  body: string;
  contentType?: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
  secret?: string;
  /** Replaces the computed signature. */
  signature?: string;
  headers?: Record<string, string>;
}

/** POSTs a signed request to `url` (…/slack/events); returns the status and the body's text. */
export async function postToSlackRoute(url: string, request: SlackPost, nowMs: number) {
  const timestamp = request.timestamp ?? Math.floor(nowMs / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': request.contentType ?? 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature':
        request.signature ?? slackSignature(request.secret ?? TEST_SIGNING_SECRET, timestamp, request.body),
      ...request.headers,
    },
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}

let eventCounter = 0;

/** An Events API delivery of a direct message, as Slack sends it. */
export function directMessageEvent(
  options: { channel: string; user: string; text: string; eventId?: string } & Record<string, unknown>,
) {
  const { channel, user, text, eventId, ...extra } = options;
  eventCounter += 1;
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId ?? `Ev${String(eventCounter).padStart(8, '0')}`,
    event_time: 1_764_000_000,
    event: {
      type: 'message',
      channel_type: 'im',
      channel,
      user,
      text,
      ts: `1764000000.${String(eventCounter).padStart(6, '0')}`,
      client_msg_id: `cm-${eventCounter}`,
      ...extra,
    },
  });
}

/** A click on a button of a message the bot posted (interactivity: a form with a JSON `payload`). */
export function buttonClick(options: {
  channel: string;
  user: string;
  value: string;
  messageTs: string;
  index?: number;
}) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001' },
    user: { id: options.user },
    api_app_id: 'A0001',
    trigger_id: `trigger-${options.messageTs}`,
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channel, is_ephemeral: false },
    channel: { id: options.channel, name: 'directmessage' },
    message: {
      type: 'message',
      ts: options.messageTs,
      text: 'question',
      blocks: [
        { type: 'section', text: { type: 'plain_text', text: 'question' } },
        { type: 'actions', elements: [{ type: 'button', value: options.value }] },
      ],
    },
    actions: [
      {
        type: 'button',
        action_id: `answer_${options.index ?? 0}`,
        block_id: 'b1',
        value: options.value,
        text: { type: 'plain_text', text: options.value },
        action_ts: '1764000001.000001',
      },
    ],
  };
  return {
    body: `payload=${encodeURIComponent(JSON.stringify(payload))}`,
    contentType: 'application/x-www-form-urlencoded',
  };
}

/** A click on a button of a card in the agents' channel (interactivity: a form with a JSON `payload`). */
export function cardButtonClick(options: { channel: string; user: string; actionId: string; messageTs: string }) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001' },
    user: { id: options.user, username: options.user.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    trigger_id: `trigger-${options.messageTs}-${options.user}`,
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channel, is_ephemeral: false },
    channel: { id: options.channel, name: 'pos-agents' },
    message: { type: 'message', ts: options.messageTs, text: 'card', blocks: [] },
    response_url: 'https://hooks.slack.com/actions/T0001/1/abc',
    actions: [
      {
        type: 'button',
        action_id: options.actionId,
        block_id: 'agent_card',
        text: { type: 'plain_text', text: options.actionId },
        action_ts: '1764000002.000001',
      },
    ],
  };
  return {
    body: `payload=${encodeURIComponent(JSON.stringify(payload))}`,
    contentType: 'application/x-www-form-urlencoded',
  };
}

/** An Events API delivery of a reply in a channel thread (message.channels), as Slack sends it. */
export function threadReplyEvent(
  options: { channel: string; user?: string; text: string; threadTs: string; eventId?: string } & Record<
    string,
    unknown
  >,
) {
  const { channel, user, text, threadTs, eventId, ...extra } = options;
  eventCounter += 1;
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    type: 'event_callback',
    event_id: eventId ?? `Ev${String(eventCounter).padStart(8, '0')}`,
    event_time: 1_764_000_000,
    event: {
      type: 'message',
      channel_type: 'channel',
      channel,
      ...(user ? { user } : {}),
      text,
      ts: `1764000000.${String(eventCounter).padStart(6, '0')}`,
      thread_ts: threadTs,
      ...extra,
    },
  });
}
