/**
 * The one entry point for inbound messages: every channel's message runs through the turn
 * pipeline (one turn at a time per address → dedupe → commit → handoff gate → bot), and its replies come back.
 */
import type { AgentEvents } from '../handoff/agent-events.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';
import { addressOf } from './address.ts';
import type { ConversationRouter, InboundMessage, OutboundReply } from './messages.ts';
import { commitTurn } from './pipeline/commit-turn.ts';
import { dedupeRedeliveries } from './pipeline/dedupe.ts';
import { handoffGate } from './pipeline/handoff-gate.ts';
import { oneTurnAtATime } from './pipeline/one-turn-at-a-time.ts';
import { composeTurnPipeline, newTurn, type Turn, type TurnMiddleware } from './pipeline/turn-pipeline.ts';

/** Runs the bot for one turn and returns its replies; what it stores goes into `turn.transaction`. */
export type TurnRunner = (turn: Turn) => Promise<OutboundReply[]>;

export interface ConversationRouterDeps {
  store: VersionedStore;
  runTurn: TurnRunner;
  newId: () => string;
  logger: Logger;
  clock: Clock;
  /** Where the gate publishes the messages agents watch. */
  agentEvents: AgentEvents;
}

export function createConversationRouter(deps: ConversationRouterDeps): ConversationRouter {
  const runBot: TurnMiddleware = async (turn) => {
    turn.replies = await deps.runTurn(turn);
  };
  const pipeline = composeTurnPipeline([
    // Serialise first, so a redelivery waits for the first delivery's commit and then finds it.
    oneTurnAtATime(),
    dedupeRedeliveries(deps.store),
    commitTurn({ store: deps.store, logger: deps.logger }),
    // Inside the commit, so a turn that lost a race reads the owner and transcript afresh.
    handoffGate({ store: deps.store, clock: deps.clock, events: deps.agentEvents }),
    runBot,
  ]);
  return {
    async handle(message: InboundMessage) {
      const turn = newTurn(message, addressOf(message), message.messageId ?? deps.newId());
      await pipeline(turn);
      return turn.replies;
    },
  };
}
