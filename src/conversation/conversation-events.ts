/**
 * In-process delivery of messages that reach a conversation later (desk decisions, agents)
 * to whoever is listening for it (web chat's server-sent events, the console).
 */
import { EventEmitter } from 'node:events';
import type { ConversationEvents, OutboundReply } from './messages.ts';

export class ConversationEventHub implements ConversationEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  subscribe(conversationId: string, listener: (reply: OutboundReply) => void): () => void {
    this.emitter.on(conversationId, listener);
    return () => this.emitter.off(conversationId, listener);
  }

  publish(conversationId: string, reply: OutboundReply): void {
    this.emitter.emit(conversationId, reply);
  }
}
