/**
 * What a channel is to the rest of the product (Rasa's input/output channels, Bolt's receivers):
 * it turns its platform's wire format into InboundMessages for the router (inbound routes on the
 * one HTTP server, or a terminal), and delivers messages that arrive later (`send`). Adding a
 * channel is a folder with one of these and a line in channels/index.ts.
 */
import type { Router } from 'express';
import type { ConversationAddress } from '../conversation/address.ts';
import type { ConversationEventHub } from '../conversation/conversation-events.ts';
import type { ConversationRouter, OutboundReply } from '../conversation/messages.ts';
import type { DocumentStore } from '../documents/document-store.ts';
import type { AgentEvents } from '../handoff/agent-events.ts';
import type { AgentWorkspace } from '../handoff/agent-workspace.ts';
import type { Clock, IdGenerator } from '../platform/clock-and-ids.ts';
import type { AppConfig } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import type { VersionedStore } from '../storage/versioned-store.ts';

/** A message delivered later; `messageId` is stable across redeliveries, so it is shown once. */
export type ProactiveMessage = OutboundReply & { messageId: string };

export interface Channel {
  /** The `channel` of this channel's addresses. */
  readonly name: string;
  /** Inbound HTTP routes, mounted at `path` on the one server (none for the console). */
  readonly http?: { path: string; routes: Router };
  /** Where a person reaches it, for the start-up banner (relative to the server's URL). */
  readonly entryPath?: string;
  /**
   * Whether it also delivers to addresses of other `channel` names (Bot Framework: one endpoint,
   * many platforms, `msteams`, `botframework-emulator`, …); `name` alone when absent.
   */
  serves?(channel: string): boolean;
  /** Delivers messages that arrive later; a repeat of a messageId must not be shown twice. */
  send(address: ConversationAddress, messages: ProactiveMessage[]): Promise<void>;
  /**
   * Gives a channel that is also an agents' workspace (Slack) what agents work with; called once,
   * after every channel is built (the workspace delivers through them).
   */
  attachAgents?(workspace: { agents: AgentWorkspace; events: AgentEvents }): void;
  close?(): Promise<void>;
}

/** The channel that delivers to addresses of `name` in this process, if any. */
export function channelFor(channels: ReadonlyMap<string, Channel>, name: string): Channel | undefined {
  return channels.get(name) ?? [...channels.values()].find((channel) => channel.serves?.(name));
}

/** What a channel is built from. */
export interface ChannelContext {
  /** Each channel reads its own settings (all optional: a channel without them stays off). */
  config: Partial<AppConfig>;
  router: ConversationRouter;
  /** Stored notices for channels whose clients pull or stream later messages. */
  notices: ConversationEventHub;
  store: VersionedStore;
  clock: Clock;
  /** Ids and secrets a channel issues (web chat conversations and their tokens). */
  ids: IdGenerator;
  logger: Logger;
  /** Where photos and PDFs merchants send are checked and kept (README "Documents"). */
  documents: DocumentStore;
  /** Event stream heartbeat; 25 s by default, shorter in tests. */
  sseHeartbeatMs?: number;
}

/** Builds a channel, or returns undefined when the configuration leaves it off (channels are opt-in). */
export type ChannelFactory = (context: ChannelContext) => Channel | undefined;
