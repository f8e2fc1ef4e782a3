/**
 * What agents watch live: the queue changing and the messages of conversations. Published in the
 * process where the change was committed, after the commit, and delivered on every instance
 * sharing the storage through its fanout (Redis pub/sub, PostgreSQL LISTEN/NOTIFY; in-process on
 * SQLite). The stored transcript and queue stay the source of truth: a client that missed events
 * (a dropped connection) reads them again.
 */
import { EventEmitter } from 'node:events';
import type { ConversationAddress } from '../conversation/address.ts';
import type { Fanout } from '../storage/fanout.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import {
  type Owner,
  type QueueEntry,
  type TranscriptEntry,
  type TranscriptRecord,
  transcriptKey,
} from './handoff-records.ts';

export type AgentEvent =
  /** A conversation was listed, or its queue entry changed (owner, reason). */
  | { type: 'queued'; conversation: QueueEntry }
  /** A conversation left the queue (claimed, handed back). */
  | { type: 'dequeued'; address: ConversationAddress }
  /** Who answers the conversation changed. */
  | { type: 'owner'; address: ConversationAddress; owner: Owner }
  /** A message was added to the conversation's transcript. */
  | { type: 'message'; address: ConversationAddress; entry: TranscriptEntry };

export interface AgentEvents {
  publish(event: AgentEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: AgentEvent) => void): () => void;
}

export function createInProcessAgentEvents(): AgentEvents & { listenerCount(): number } {
  const emitter = new EventEmitter().setMaxListeners(0);
  return {
    publish: (event) => {
      emitter.emit('event', event);
    },
    subscribe: (listener) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    listenerCount: () => emitter.listenerCount('event'),
  };
}

const TOPIC = 'agent-events';
/** PostgreSQL's NOTIFY takes 8,000 bytes: a longer message travels as a reference to its stored entry. */
const MAX_PAYLOAD_BYTES = 7000;

type WireEvent = AgentEvent | { type: 'messageRef'; address: ConversationAddress; entryId: TranscriptEntry['id'] };

/**
 * Agent events on every instance: published through the fanout, delivered to this process's
 * subscribers by the fanout's own subscription (this instance's publishes included, once).
 */
export function createFanoutAgentEvents(deps: {
  fanout: Fanout;
  store: VersionedStore;
  onError: (error: unknown) => void;
}): AgentEvents {
  const local = createInProcessAgentEvents();
  let subscribed = false;

  async function deliver(payload: string): Promise<void> {
    const wire = JSON.parse(payload) as WireEvent;
    if (wire.type !== 'messageRef') return local.publish(wire);
    const record = await deps.store.get<TranscriptRecord>(transcriptKey(wire.address));
    const entry = record?.value.entries.find((candidate) => candidate.id === wire.entryId);
    if (entry) local.publish({ type: 'message', address: wire.address, entry });
  }

  return {
    publish(event) {
      let payload = JSON.stringify(event);
      if (event.type === 'message' && Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        payload = JSON.stringify({ type: 'messageRef', address: event.address, entryId: event.entry.id });
      }
      deps.fanout.publish(TOPIC, payload).catch(deps.onError);
    },
    subscribe(listener) {
      // One fanout subscription per process, opened with the first listener, closed with the fanout.
      if (!subscribed) {
        subscribed = true;
        deps.fanout.subscribe(TOPIC, (payload) => {
          deliver(payload).catch(deps.onError);
        });
      }
      return local.subscribe(listener);
    },
  };
}
