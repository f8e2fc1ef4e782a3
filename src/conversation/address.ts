/**
 * Where a conversation lives: the only key of a conversation everywhere (turn state, dedupe,
 * notices, tickets, status, ownership). The same id on two channels is two conversations.
 */
export interface ConversationAddress {
  /** Channel name: `webchat`, `console`, `wechat`, `slack`, `msteams`, … */
  channel: string;
  /** The channel's own conversation id. */
  conversationId: string;
  /** The merchant, where the channel tells one apart from the conversation. */
  userId?: string;
}

/**
 * The storage key part for an address. Both parts are percent-encoded, so no pair of different
 * addresses shares a key ("a/b" + "c" vs "a" + "b/c").
 */
export function addressKey(address: Pick<ConversationAddress, 'channel' | 'conversationId'>): string {
  return `${encodeURIComponent(address.channel)}/${encodeURIComponent(address.conversationId)}`;
}

/** Only the address's own fields, whatever else the object carries (an inbound message, a ticket). */
export function addressOf(source: ConversationAddress): ConversationAddress {
  const { channel, conversationId, userId } = source;
  return userId === undefined ? { channel, conversationId } : { channel, conversationId, userId };
}

export function sameConversation(a: ConversationAddress, b: ConversationAddress): boolean {
  return a.channel === b.channel && a.conversationId === b.conversationId;
}
