/**
 * What agents watch live: the queue changing and the messages of conversations. Published in the
 * process where the change was committed, after the commit; the stored transcript and queue stay
 * the source of truth (a client that missed events reads them again). The `AgentEvents` seam is
 * where a fan-out between instances (Redis pub/sub, PostgreSQL LISTEN/NOTIFY) plugs in later:
 * publish to the shared bus as well, and deliver what comes from it to the local subscribers.
 */
import { EventEmitter } from 'node:events';
import type { ConversationAddress } from '../conversation/address.ts';
import type { Owner, QueueEntry, TranscriptEntry } from './handoff-records.ts';

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
