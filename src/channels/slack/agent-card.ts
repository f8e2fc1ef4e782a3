/**
 * What agents read in Slack: the handoff card (Block Kit) posted to the agents' channel — the
 * merchant's channel, language, reason, waiting time and answers so far, with the buttons that
 * fit who owns the conversation — and the lines relayed into its thread. Agent-facing text is in
 * the agents' language (SLACK_AGENT_LOCALE), from locales/<lng>/slack.json.
 */
import { UNBIND_FORM } from '../../../dialogs/unbind-form.ts';
import type { SlotValues } from '../../engine/form-definition.ts';
import { describeValue } from '../../engine/slot-prompts.ts';
import type { Owner, QueueEntry, TranscriptEntry } from '../../handoff/handoff-records.ts';
import { isLocale, t } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';
import { escapeSlackText } from './slack-text.ts';

/** The buttons' action ids; the Slack channel routes clicks on these to the agent workspace. */
export const AGENT_ACTIONS = {
  claim: 'agent_claim',
  handBack: 'agent_hand_back',
  close: 'agent_close',
} as const;
export const AGENT_ACTION_PATTERN = /^agent_(claim|hand_back|close)$/;

// Slack's limits (Block Kit reference): header 150, section text 3,000, a field 2,000.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
/** A thread line longer than this is cut; the whole message stays in the transcript. */
const THREAD_TEXT_MAX = 3900;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** A phone number as agents in a shared channel see it: the last four digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Mainland mobile numbers in free text (as the logs' scrubbing finds them). */
const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g;

/** Free text with every phone number in it masked like the card's. */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_IN_TEXT, (phone) => maskPhone(phone.replace(/^\+?86[\s-]?/, '')));
}

/** The unbind form's answers so far, one line each, in the form's order; the phone masked. */
export function answerLines(answers: SlotValues | null, locale: Locale): string[] {
  if (!answers) return [];
  return UNBIND_FORM.slots
    .filter((slot) => !slot.hiddenInSummary && answers[slot.name] !== undefined)
    .map((slot) => {
      const value = answers[slot.name];
      const shown =
        slot.name === 'phone' && typeof value === 'string' ? maskPhone(value) : describeValue(slot, value, locale);
      return t(locale, 'slack:card.answerLine', { label: t(locale, slot.label), value: shown });
    });
}

export interface CardFacts {
  /** The queue entry the card was posted for (kept: the queue forgets it once claimed). */
  entry: QueueEntry;
  answers: SlotValues | null;
  owner: Owner;
}

function button(text: string, actionId: string, style?: 'primary' | 'danger') {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text }, ...(style ? { style } : {}) };
}

function statusOf(owner: Owner, open: boolean, locale: Locale): string {
  if (owner.startsWith('agent:'))
    return t(locale, 'slack:card.status.claimed', { agent: owner.slice('agent:'.length) });
  if (owner === 'queued') return t(locale, 'slack:card.status.queued');
  // Listed while the bot carries on (a lost device), or back with the bot.
  return t(locale, open ? 'slack:card.status.listed' : 'slack:card.status.released');
}

/**
 * The card, as chat.postMessage and chat.update take it. `open`: whether the conversation is
 * listed in the queue (a card of a conversation handed back or closed offers no buttons).
 */
export function agentCard(facts: CardFacts, locale: Locale, open: boolean): { text: string; blocks: object[] } {
  const { entry, answers, owner } = facts;
  const reason = t(locale, `slack:reason.${entry.reason}`);
  const language = isLocale(entry.locale) ? t(locale, `slack:language.${entry.locale}`) : entry.locale;
  const since = Math.floor(Date.parse(entry.waitingSince) / 1000);
  const lines = answerLines(answers, locale);
  const buttons = owner.startsWith('agent:')
    ? [
        button(t(locale, 'slack:button.handBack'), AGENT_ACTIONS.handBack, 'primary'),
        button(t(locale, 'slack:button.close'), AGENT_ACTIONS.close, 'danger'),
      ]
    : open
      ? [button(t(locale, 'slack:button.claim'), AGENT_ACTIONS.claim, 'primary')]
      : [];
  const plain = (text: string, max = FIELD_MAX) => ({ type: 'plain_text', text: clip(text, max) });
  const blocks: object[] = [
    { type: 'header', text: plain(t(locale, 'slack:card.title', { channel: entry.channel }), HEADER_MAX) },
    {
      type: 'section',
      fields: [
        plain(`${t(locale, 'slack:card.channel')}: ${entry.channel}`),
        plain(`${t(locale, 'slack:card.language')}: ${language}`),
        plain(`${t(locale, 'slack:card.reason')}: ${reason}`),
        // Slack shows the time in each reader's own time zone; the ISO time where it cannot.
        {
          type: 'mrkdwn',
          text: `${escapeSlackText(t(locale, 'slack:card.waitingSince'))}: <!date^${since}^{date_num} {time}|${entry.waitingSince}>`,
        },
      ],
    },
    {
      type: 'section',
      text: plain(
        [t(locale, 'slack:card.answers'), ...(lines.length > 0 ? lines : [t(locale, 'slack:card.noAnswers')])].join(
          '\n',
        ),
        SECTION_MAX,
      ),
    },
    { type: 'context', elements: [plain(statusOf(owner, open, locale))] },
    ...(buttons.length > 0 ? [{ type: 'actions', block_id: 'agent_card', elements: buttons }] : []),
    { type: 'context', elements: [plain(t(locale, 'slack:card.hint'))] },
  ];
  return {
    text: escapeSlackText(t(locale, 'slack:card.fallback', { channel: entry.channel, reason })),
    blocks,
  };
}

/**
 * A transcript entry as a line in the card's thread, its author marked and phone numbers masked
 * like the card's (the whole transcript is in the staff page, for the agent who needs it).
 */
export function threadLine(entry: TranscriptEntry, locale: Locale): string {
  const text = clip(maskPhonesIn(entry.text), THREAD_TEXT_MAX);
  if (entry.author.startsWith('agent:'))
    return t(locale, 'slack:thread.agent', { agent: entry.author.slice('agent:'.length), text });
  return t(locale, `slack:thread.${entry.author}`, { text });
}
