/**
 * The WeChat Official Account (公众号) channel at `/wechat`, on when WECHAT_TOKEN is set
 * (README "WeChat"). A merchant is their OpenID: the conversation id and the user id, on the
 * `wechat` channel, so the same id on the web chat is another conversation.
 *
 * Later messages (desk decisions) go out through the customer-service API inside WeChat's window
 * after the merchant's last message; outside it, a template message says there is news when one
 * is configured, and the news itself waits and is shown with the answer to their next message.
 */

import { DEFAULT_LOCALE } from '../../i18n/translate.ts';
import { wechatSettingsSchema } from '../../platform/config.ts';
import type { ChannelFactory } from '../channel.ts';
import { WechatApi } from './wechat-api.ts';
import { WechatCipher } from './wechat-crypto.ts';
import { createWechatDelivery, type WechatDelivery } from './wechat-delivery.ts';
import { choicesOf, replyText, splitForWechat } from './wechat-format.ts';
import { createWechatInbound, WECHAT_CHANNEL } from './wechat-inbound.ts';
import { wechatRoutes } from './wechat-routes.ts';
import { WechatSessions } from './wechat-sessions.ts';

export const wechatChannel: ChannelFactory = ({ config, router, store, clock, ids, logger, documents }) => {
  // Defaults fill in what a partial configuration (tests, tools) leaves out.
  const settings = wechatSettingsSchema.parse(config);
  if (!settings.WECHAT_TOKEN) return undefined;
  const sessions = new WechatSessions(store);
  const appId = settings.WECHAT_APP_ID;
  const api =
    appId && settings.WECHAT_APP_SECRET
      ? new WechatApi({ base: settings.WECHAT_API_BASE, appId, appSecret: settings.WECHAT_APP_SECRET, store, clock })
      : undefined;
  const delivery: WechatDelivery | undefined = api
    ? createWechatDelivery({
        store,
        clock,
        logger,
        api,
        sessions,
        ...(settings.WECHAT_TEMPLATE_ID_DECISION ? { templateId: settings.WECHAT_TEMPLATE_ID_DECISION } : {}),
      })
    : undefined;
  // Worker started here: a channel lives as long as its process (closed in close()).
  delivery?.outbox.start();
  const cipher =
    settings.WECHAT_ENCODING_AES_KEY && appId ? new WechatCipher(settings.WECHAT_ENCODING_AES_KEY, appId) : undefined;
  const windowMs = settings.WECHAT_SERVICE_WINDOW_HOURS * 60 * 60_000;
  const handle = createWechatInbound({
    router,
    sessions,
    store,
    clock,
    logger,
    waitMs: settings.WECHAT_REPLY_WAIT_MS,
    documents,
    ...(delivery ? { delivery } : {}),
    ...(api ? { media: (mediaId: string, maxBytes: number) => api.media(mediaId, maxBytes) } : {}),
  });

  return {
    name: WECHAT_CHANNEL,
    http: {
      path: '/wechat',
      routes: wechatRoutes({
        token: settings.WECHAT_TOKEN,
        ...(cipher ? { cipher } : {}),
        handle,
        clock,
        ids,
        logger,
        maxSkewS: settings.WECHAT_MAX_CLOCK_SKEW_S,
      }),
    },
    async send(address, messages) {
      const openId = address.conversationId;
      const session = await sessions.get(openId);
      const locale = session.locale ?? DEFAULT_LOCALE;
      const last = session.lastInboundAt ? Date.parse(session.lastInboundAt) : Number.NEGATIVE_INFINITY;
      const inWindow = clock.now().getTime() - last < windowMs;
      const choices = choicesOf(messages);
      if (choices) await sessions.update(openId, (s) => ({ ...s, choices }));
      if (delivery && inWindow) {
        for (const message of messages) {
          const pieces = splitForWechat(replyText(message, locale));
          for (const [i, text] of pieces.entries()) {
            await delivery.enqueue(`send/${message.messageId}/${i}`, { kind: 'text', openId, text });
          }
        }
        delivery.wake();
        return;
      }
      // Outside the window (or without the API): kept, once per messageId, for the next message.
      for (const message of messages) {
        await sessions.addPending(openId, { messageId: message.messageId, text: replyText(message, locale) });
      }
      const first = messages[0];
      if (delivery && settings.WECHAT_TEMPLATE_ID_DECISION && first) {
        await delivery.enqueue(`template/${first.messageId}`, { kind: 'template', openId, text: first.text, locale });
        delivery.wake();
      }
    },
    async close() {
      await delivery?.outbox.stop();
    },
  };
};
