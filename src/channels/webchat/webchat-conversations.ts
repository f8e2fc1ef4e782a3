/**
 * Who may use a web chat conversation (DESIGN.md "contract: web chat API", Direct Line style):
 * the server issues the conversation id and a random token to whoever starts it; every later
 * call must present that token. Only a SHA-256 hash of the token is stored, so a copy of the
 * storage does not let anyone into a merchant's chat, and tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock, IdGenerator } from '../../platform/clock-and-ids.ts';
import { VersionConflictError, type VersionedStore } from '../../storage/versioned-store.ts';
import type { Locale } from '../../validation/ticket.ts';
import { conversationIdSchema, conversationTokenSchema } from './webchat-schemas.ts';

/** What is kept per conversation, under the web chat's own key. */
interface ConversationRecord {
  tokenHash: string;
  createdAt: string;
  /** The page's language when it started, for answers that come before the bot's (429). */
  locale?: Locale;
}

export interface IssuedConversation {
  conversationId: string;
  token: string;
}

/** 32 random bytes: as hard to guess as the desk's own token. */
const TOKEN_BYTES = 32;

const keyOf = (conversationId: string) => `webchat/conversations/${conversationId}`;

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Compared against when a conversation is unknown, so that answer takes as long as a wrong token. */
const NO_HASH = hashOf('');

export class WebchatConversations {
  constructor(
    private readonly store: VersionedStore,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** A new conversation; its token is returned this once and kept only as a hash. */
  async create(locale?: Locale): Promise<IssuedConversation> {
    for (;;) {
      // The id generator's ids fit the conversation id rules; a collision just draws again.
      const conversationId = conversationIdSchema.parse(this.ids.next());
      const token = this.ids.secret(TOKEN_BYTES);
      const record: ConversationRecord = {
        tokenHash: hashOf(token).toString('hex'),
        createdAt: this.clock.now().toISOString(),
        ...(locale ? { locale } : {}),
      };
      try {
        await this.store.put(keyOf(conversationId), record, { expected: null });
        return { conversationId, token };
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
  }

  /**
   * The conversation when `token` is the one issued for it; undefined for a missing or wrong
   * token and for a conversation this server never issued.
   */
  async authorize(conversationId: string, token: string | undefined): Promise<{ locale?: Locale } | undefined> {
    if (token === undefined || !conversationTokenSchema.safeParse(token).success) return undefined;
    const record = (await this.store.get<ConversationRecord>(keyOf(conversationId)))?.value;
    const stored = record ? Buffer.from(record.tokenHash, 'hex') : NO_HASH;
    const matches = stored.length === NO_HASH.length && timingSafeEqual(hashOf(token), stored);
    if (!record || !matches) return undefined;
    return record.locale ? { locale: record.locale } : {};
  }
}
