/**
 * Bot Framework (Teams, Direct Line, Azure Web Chat, the Emulator) at `/api/messages`, opt-in:
 * on with BOTFRAMEWORK_ENABLED (the Emulator, unauthenticated, replies only to this machine) or
 * with MICROSOFT_APP_ID (every request's JWT checked). Messages that arrive later (desk
 * decisions) are sent with continueConversationAsync to the conversation's stored reference.
 */
import { botframeworkSettingsSchema } from '../../platform/config.ts';
import type { ChannelFactory } from '../channel.ts';
import { BotframeworkAdapter } from './botframework-adapter.ts';
import { BOTFRAMEWORK_CHANNEL, isBotframeworkChannel } from './botframework-address.ts';
import { BotframeworkReferences } from './botframework-references.ts';
import { botframeworkRoutes, toActivity } from './botframework-routes.ts';

export const botframeworkChannel: ChannelFactory = ({ config, router, store }) => {
  const settings = botframeworkSettingsSchema.parse(config);
  if (!(settings.BOTFRAMEWORK_ENABLED ?? settings.MICROSOFT_APP_ID !== undefined)) return undefined;
  const adapter = new BotframeworkAdapter(settings);
  const references = new BotframeworkReferences(store);
  return {
    name: BOTFRAMEWORK_CHANNEL,
    serves: isBotframeworkChannel,
    http: {
      path: '/api/messages',
      routes: botframeworkRoutes({ adapter, router, references, authenticated: adapter.appId !== '' }),
    },
    async send(address, messages) {
      const reference = await references.reference(address);
      // Every conversation has one from its first activity; the outbox retries if it is not there yet.
      if (!reference) throw new Error(`no conversation reference for a ${address.channel} conversation`);
      await adapter.continueConversationAsync(adapter.appId, reference, async (context) => {
        for (const { messageId, ...reply } of messages) {
          if (await references.claimed('sent', address, messageId)) continue;
          await context.sendActivity(toActivity(reply));
          // Marked after sending: a crash in between shows it twice rather than never.
          await references.claim('sent', address, messageId);
        }
      });
    },
  };
};
