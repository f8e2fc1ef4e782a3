/**
 * The turn pipeline, as a middleware chain in the spirit of Bolt's `app.use`: each step gets the
 * turn and `next`, may act before and after the rest, or answer without calling `next` (a
 * redelivered message). Steps live in their own files beside this one.
 */
import type { TurnHandoff } from '../../handoff/turn-handoff.ts';
import type { ConversationAddress } from '../address.ts';
import type { InboundMessage, OutboundReply } from '../messages.ts';
import { TurnTransaction } from '../turn-transaction.ts';

export interface Turn {
  readonly message: InboundMessage;
  readonly address: ConversationAddress;
  /** Stable across re-runs of the same message (the channel's message id when it has one). */
  readonly turnId: string;
  /** What this turn will store; a fresh one for each attempt. */
  transaction: TurnTransaction;
  /** Set by the dedupe step when the message has an id: the record the commit must write with the turn. */
  dedupeKey?: string;
  /** The bot's replies, in order. */
  replies: OutboundReply[];
  /** Run once the turn's commit is stored (publishing to live listeners); a fresh list each attempt. */
  afterCommit: (() => void)[];
  /** Who owns the conversation, and the bot's way to call a person (set by the handoff gate). */
  handoff?: TurnHandoff;
}

export type TurnMiddleware = (turn: Turn, next: () => Promise<void>) => Promise<void>;

export function newTurn(message: InboundMessage, address: ConversationAddress, turnId: string): Turn {
  return { message, address, turnId, transaction: new TurnTransaction(), replies: [], afterCommit: [] };
}

/**
 * Runs the steps in order; the last `next` is the end of the chain. A step may call `next` again
 * to run the rest anew (the commit step does, after losing a race on the stored state).
 */
export function composeTurnPipeline(steps: readonly TurnMiddleware[]): (turn: Turn) => Promise<void> {
  return (turn) => {
    const run = async (index: number): Promise<void> => {
      const step = steps[index];
      if (step) await step(turn, () => run(index + 1));
    };
    return run(0);
  };
}
