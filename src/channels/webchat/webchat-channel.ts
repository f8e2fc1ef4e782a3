/**
 * Our own web page: each conversation is started by the page and bound to the token it was
 * issued (webchat-conversations.ts); replies come back in the HTTP answer; messages that arrive
 * later are stored as notices (idempotent per message id) and pushed over the page's event
 * stream, which replays what a closed or reconnecting page missed.
 */
import { webchatLimitsSchema } from '../../platform/config.ts';
import type { ChannelFactory } from '../channel.ts';
import { WEBCHAT_CHANNEL } from './webchat-address.ts';
import { WebchatConversations } from './webchat-conversations.ts';
import { WebchatLimiter } from './webchat-limits.ts';
import { webchatRoutes } from './webchat-routes.ts';
import { WebchatUploads } from './webchat-uploads.ts';

export const webchatChannel: ChannelFactory = ({
  config,
  router,
  notices,
  store,
  ids,
  clock,
  documents,
  sseHeartbeatMs,
}) => ({
  name: WEBCHAT_CHANNEL,
  entryPath: '/',
  http: {
    path: '/api/webchat',
    routes: webchatRoutes({
      router,
      notices,
      conversations: new WebchatConversations(store, ids, clock),
      // Defaults fill in what a partial configuration (tests, tools) leaves out.
      limits: new WebchatLimiter(store, clock, webchatLimitsSchema.parse(config)),
      documents,
      uploads: new WebchatUploads(store),
      ...(sseHeartbeatMs ? { heartbeatMs: sseHeartbeatMs } : {}),
    }),
  },
  async send(address, messages) {
    for (const { messageId, ...reply } of messages) await notices.publish(address, reply, messageId);
  },
});
