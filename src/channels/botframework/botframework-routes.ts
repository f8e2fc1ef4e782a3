/**
 * `POST /api/messages`: a Bot Framework activity in. CloudAdapter authenticates it (with
 * credentials configured, the channel's JWT; without, nothing: the Emulator on this machine),
 * then the turn translates: a message goes to the conversation router and its replies go back
 * through the platform's connector inside the same turn; a member joining is greeted. Nothing is
 * stored before authentication.
 */
import { type Activity, MessageFactory, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import express, { type Request, type Response, type Router } from 'express';
import type { ConversationAddress } from '../../conversation/address.ts';
import type { ConversationRouter, OutboundReply } from '../../conversation/messages.ts';
import { failedFields, sendError } from '../../http/http-errors.ts';
import { jsonBody } from '../../http/json-body.ts';
import { requestLocale } from '../../http/request-locale.ts';
import { DEFAULT_LOCALE, t } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';
import type { BotframeworkAdapter } from './botframework-adapter.ts';
import { addressChannelOf } from './botframework-address.ts';
import type { BotframeworkReferences } from './botframework-references.ts';
import { activitySchema } from './botframework-schemas.ts';

/** Teams and Direct Line activities carry entities and card payloads: more than a web chat message. */
export const BOTFRAMEWORK_BODY_LIMIT = '256kb';

/** A reply as the platform shows it: suggested actions as buttons that send their text back (imBack). */
export function toActivity(reply: OutboundReply): Partial<Activity> {
  return reply.suggestedActions?.length
    ? MessageFactory.suggestedActions(reply.suggestedActions, reply.text)
    : MessageFactory.text(reply.text);
}

/**
 * The language of what the channel says by itself (greeting, attachment notice): the client's
 * locale. The bot's own replies follow the conversation's language, which the merchant's writing
 * sets; the client's locale is not passed on, as it is the device's setting, not a choice.
 */
function localeHint(locale: string | undefined): Locale {
  if (/^en\b/i.test(locale ?? '')) return 'en-US';
  if (/^zh\b/i.test(locale ?? '')) return 'zh-CN';
  return DEFAULT_LOCALE;
}

const isHttpsLink = (url: unknown): url is string => typeof url === 'string' && /^https:\/\/\S+$/.test(url);

/** Teams copies every message into a text/html attachment, and cards are not files. */
const isDocument = (attachment: { contentType?: string }) =>
  !/^(text\/html|application\/vnd\.microsoft\.card\.)/.test(attachment.contentType ?? '');

/** Without credentials nothing is authenticated, so replies may only go to this machine (the Emulator). */
function isLoopback(serviceUrl: string): boolean {
  const host = new URL(serviceUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sendUnauthorized(req: Request, res: Response) {
  res.set('WWW-Authenticate', 'Bearer');
  sendError(res, 401, 'unauthorized', requestLocale(req));
}

export function botframeworkRoutes(deps: {
  adapter: BotframeworkAdapter;
  router: ConversationRouter;
  references: BotframeworkReferences;
  /** Whether requests are authenticated (an app id is configured). */
  authenticated: boolean;
}): Router {
  const { adapter, router, references } = deps;

  /** Sends a turn's replies once per activity id: a redelivered activity is not answered twice. */
  async function answerOnce(
    context: TurnContext,
    address: ConversationAddress,
    replies: Partial<Activity>[],
  ): Promise<void> {
    const id = context.activity.id;
    if (replies.length === 0) return;
    if (id === undefined) {
      await context.sendActivities(replies);
      return;
    }
    if (!(await references.claim('answered', address, id))) return;
    try {
      await context.sendActivities(replies);
    } catch (error) {
      // Not shown: a redelivery of the activity may try again.
      await references.release('answered', address, id).catch(() => undefined);
      throw error;
    }
  }

  async function turn(context: TurnContext): Promise<void> {
    const { activity } = context;
    const address: ConversationAddress = {
      channel: addressChannelOf(activity.channelId),
      conversationId: activity.conversation.id,
      userId: activity.from.id,
    };
    const locale = localeHint(activity.locale);
    if (activity.type === 'message') {
      // Kept before the turn, so a decision filed in this turn can already reach the conversation.
      await references.remember(address, TurnContext.getConversationReference(activity));
      // In a Teams group chat the text starts with "<at>Bot</at>".
      const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
      const documents = (activity.attachments ?? []).filter(isDocument);
      // A file shared from Teams or OneDrive comes with its https link: that link is what the
      // documents questions take (until files are kept by the documents work). Without one, ask for a link.
      const links = documents.map((document) => document.contentUrl).filter(isHttpsLink);
      const said = [text.trim(), ...links].filter((part) => part !== '').join(' ');
      const replies: Partial<Activity>[] = [];
      if (said !== '' || documents.length === 0) {
        const answers = await router.handle({
          ...address,
          userId: activity.from.id,
          text: said,
          ...(activity.id ? { messageId: activity.id } : {}),
        });
        replies.push(...answers.map(toActivity));
      }
      if (links.length < documents.length) {
        replies.push(MessageFactory.text(t(locale, 'botframework:attachmentNeedsLink')));
      }
      return answerOnce(context, address, replies);
    }
    if (activity.type === 'conversationUpdate') {
      // The bot itself is added too (the Emulator and Teams say so): only a person is greeted.
      const personJoined = (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
      if (!personJoined) return;
      await references.remember(address, TurnContext.getConversationReference(activity));
      const actions = t(locale, 'botframework:startActions', { returnObjects: true }) as unknown as string[];
      return answerOnce(context, address, [
        toActivity({ text: t(locale, 'botframework:greeting'), suggestedActions: actions }),
      ]);
    }
    // Typing, reactions, installation updates and the rest need no answer.
  }

  const routes = express.Router();
  routes.post('/', jsonBody(BOTFRAMEWORK_BODY_LIMIT), async (req, res) => {
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_body', requestLocale(req), { fields: failedFields(parsed.error) });
    }
    if (!deps.authenticated && !isLoopback(parsed.data.serviceUrl)) return sendUnauthorized(req, res);
    let answer: Awaited<ReturnType<BotframeworkAdapter['handle']>>;
    try {
      answer = await adapter.handle(req.get('authorization') ?? '', parsed.data as unknown as Activity, turn);
    } catch (error) {
      if (error instanceof AuthenticationError) return sendUnauthorized(req, res);
      // The server's error handler answers 500 with a reference and logs it.
      throw error;
    }
    // An invoke's answer, or the replies of an `expectReplies` delivery; otherwise just 200.
    if (answer?.body !== undefined) res.status(answer.status).json(answer.body);
    else res.status(answer?.status ?? 200).end();
  });
  return routes;
}
