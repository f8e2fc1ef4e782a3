/**
 * What every channel hands to the conversation router, and what it gets back.
 * Channel adapters translate their wire format to and from these; nothing else.
 */
import type { Locale } from '../validation/ticket.ts';
import type { ConversationAddress } from './address.ts';

/** One message into a conversation; its address fields are the conversation's key. */
export interface InboundMessage extends ConversationAddress {
  userId: string;
  /** The channel's message id, when it has one: a redelivery with the same id is answered once. */
  messageId?: string;
  text: string;
  /**
   * Documents that came with the message (photos, PDFs), already checked and kept by the
   * document store: the channel writes them before the message is routed.
   */
  attachments?: MessageAttachment[];
  /** A locale hint from the channel (browser language, explicit choice). */
  locale?: Locale;
  /** Not something the merchant wrote but something that happened (a desk decision): a proactive turn. */
  event?: { name: string; value: unknown };
}

/** A document a merchant sent, by its id in the document store. */
export interface MessageAttachment {
  documentId: string;
  contentType: string;
}

export interface OutboundReply {
  /** Set on messages that arrive later (stored notices), for replay after a reconnect. */
  id?: string;
  text: string;
  /** Short answers the merchant can tap instead of typing. */
  suggestedActions?: string[];
}

/** The single entry point for inbound messages, used by every channel. */
export interface ConversationRouter {
  handle(message: InboundMessage): Promise<OutboundReply[]>;
}

/** Messages that reach a conversation later (agent replies, desk decisions). */
export interface ConversationEvents {
  /** With `after`, first replays the stored messages after that id (every stored one for '0'). */
  subscribe(
    address: ConversationAddress,
    listener: (reply: OutboundReply) => void,
    options?: { after?: string },
  ): () => void;
}
