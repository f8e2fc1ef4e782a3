/**
 * The handoff gate, before the bot: while a conversation is `queued` or owned by an agent the bot
 * says nothing; the merchant's message is stored in the transcript (so none is lost while no agent
 * is connected) and published to the agents. A queued merchant hears their position, at most once
 * every `POSITION_NOTICE_EVERY_MS`. Every turn's messages (merchant, bot, system, relayed agent
 * messages) go into the transcript in the turn's own commit, and a write of the owner record
 * conditional on the version read, so a claim and a turn never both win on stale ownership.
 */

import type { AgentEvents } from '../../handoff/agent-events.ts';
import {
  appendEntries,
  type HandoffRecord,
  ownerKey,
  queueEntryOf,
  recordWrites,
  silencesBot,
  type TranscriptEntry,
  type TranscriptRecord,
  transcriptKey,
} from '../../handoff/handoff-records.ts';
import {
  type AgentMessageEvent,
  HANDOFF_EVENTS,
  type NoticeEvent,
  queuePosition,
  TurnHandoffState,
} from '../../handoff/turn-handoff.ts';
import { t } from '../../i18n/translate.ts';
import type { Clock } from '../../platform/clock-and-ids.ts';
import type { StoredRecord, VersionedStore } from '../../storage/versioned-store.ts';
import type { InboundMessage } from '../messages.ts';
import type { TurnMiddleware } from './turn-pipeline.ts';

/** The merchant's words, with a reference to each photo they sent (agents open it from the desk). */
function merchantText(message: InboundMessage): string {
  const documents = (message.attachments ?? []).map((attachment) => `[document:${attachment.documentId}]`);
  return [message.text, ...documents].filter(Boolean).join(' ');
}

/** How often a queued merchant who keeps writing is told their position again. */
export const POSITION_NOTICE_EVERY_MS = 5 * 60_000;

export function handoffGate(deps: { store: VersionedStore; clock: Clock; events: AgentEvents }): TurnMiddleware {
  return async (turn, next) => {
    const { address, message } = turn;
    const found = await deps.store.getMany<unknown>([ownerKey(address), transcriptKey(address)]);
    const owned = found.get(ownerKey(address)) as StoredRecord<HandoffRecord> | undefined;
    const transcript = found.get(transcriptKey(address)) as StoredRecord<TranscriptRecord> | undefined;
    const now = deps.clock.now();
    const at = now.toISOString();
    const handoff = new TurnHandoffState(owned?.value, address, at, deps.store);
    turn.handoff = handoff;
    const messages: Omit<TranscriptEntry, 'id'>[] = [];
    const say = (author: TranscriptEntry['author'], text: string) =>
      messages.push({ at, author, channel: address.channel, text });
    const { event } = message;

    if (event?.name === HANDOFF_EVENTS.agentMessage) {
      // Stored in the transcript when the agent sent it; here it is only relayed.
      turn.replies = [{ text: (event.value as AgentMessageEvent).text }];
      return;
    }
    if (event?.name === HANDOFF_EVENTS.notice) {
      const notice = event.value as NoticeEvent;
      const text = t(handoff.record.locale, `handoff:${notice.key}`, notice.vars ?? {});
      turn.replies = [{ text }];
      say('system', text);
    } else if (!event && silencesBot(handoff.owner)) {
      say('merchant', merchantText(message));
      const lastTold = handoff.record.positionToldAt ? Date.parse(handoff.record.positionToldAt) : 0;
      if (handoff.owner === 'queued' && now.getTime() - lastTold >= POSITION_NOTICE_EVERY_MS) {
        const since = handoff.record.queue?.since ?? at;
        const position = await queuePosition(deps.store, address, since);
        const text = t(handoff.record.locale, 'handoff:stillQueued', { position });
        turn.replies = [{ text }];
        say('system', text);
        handoff.toldPosition();
      }
    } else {
      if (!event) say('merchant', merchantText(message));
      await next();
      // An agent's field edit answers the agent, not the merchant: nothing of it is a message.
      if (event?.name !== HANDOFF_EVENTS.fillField) for (const reply of turn.replies) say('bot', reply.text);
    }

    const appended = messages.length > 0 ? appendEntries(transcript?.value, address, messages) : undefined;
    if (appended)
      turn.transaction.stage({
        key: transcriptKey(address),
        value: appended.record,
        expected: transcript?.version ?? null,
      });
    if (handoff.changed) {
      for (const write of recordWrites(handoff.record, owned?.version ?? null)) turn.transaction.stage(write);
    } else if (owned) {
      // Rewritten as read, conditional on its version: a claim committed meanwhile makes this turn run again.
      turn.transaction.stage({ key: ownerKey(address), value: owned.value, expected: owned.version });
    }
    const ownerBefore = owned?.value.owner ?? 'bot';
    const record = handoff.record;
    turn.afterCommit.push(() => {
      for (const entry of appended?.added ?? []) deps.events.publish({ type: 'message', address, entry });
      if (!handoff.changed) return;
      const entry = queueEntryOf(record);
      if (entry && (!owned?.value.queue || ownerBefore !== record.owner))
        deps.events.publish({ type: 'queued', conversation: entry });
      if (ownerBefore !== record.owner) deps.events.publish({ type: 'owner', address, owner: record.owner });
    });
  };
}
