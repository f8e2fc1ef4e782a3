/**
 * The language of the current turn: chosen from the conversation's profile and the merchant's
 * own writing, kept on the turn context for everything that answers in it.
 */
import type { TurnContext } from 'botbuilder';
import { DEFAULT_LOCALE, isLocale } from '../i18n/translate.ts';
import { writtenLocale } from '../nlu/index.ts';
import type { Locale } from '../validation/ticket.ts';

/** What the bot remembers about a conversation besides the dialog stack. */
export interface ConversationProfile {
  locale?: Locale;
  /** The merchant chose the language explicitly; detection no longer switches it. */
  localeChosen?: boolean;
  /** Tickets filed from this conversation, newest last. */
  ticketIds?: string[];
  /** The newest call-back request filed from this conversation: what a request past the limit is pointed to. */
  lastCallbackId?: string;
}

const LOCALE = Symbol('turn locale');

export function localeOf(context: TurnContext): Locale {
  return (context.turnState.get(LOCALE) as Locale | undefined) ?? DEFAULT_LOCALE;
}

export function setTurnLocale(context: TurnContext, locale: Locale): void {
  context.turnState.set(LOCALE, locale);
}

/**
 * The conversation's language for this turn. A channel's explicit choice wins; otherwise the
 * language the merchant writes in (nlu/locale.ts, the same rule the classifier uses), where
 * English needs three words once a language is set, so a pinyin name or "thanks" does not switch it.
 */
export function chooseLocale(profile: ConversationProfile, text: string, channelLocale: string | undefined): Locale {
  if (isLocale(channelLocale) && channelLocale !== profile.locale) {
    profile.localeChosen = true;
    return channelLocale;
  }
  if (profile.localeChosen && profile.locale) return profile.locale;
  const detected = writtenLocale(text, profile.locale ? 3 : 1);
  return detected ?? profile.locale ?? DEFAULT_LOCALE;
}
