/**
 * Addresses of Bot Framework conversations. One endpoint serves many platforms, each with its
 * own `channelId`; a conversation's address keeps it. Teams keeps its own name (`msteams`); every
 * other id is prefixed, because Bot Framework's own ids include `webchat` and `slack`, which are
 * this product's channels too: Azure's "Test in Web Chat" must not share our web chat's conversations.
 */

/** The channel's name (banner, configuration). */
export const BOTFRAMEWORK_CHANNEL = 'botframework';

const TEAMS = 'msteams';
const PREFIX = `${BOTFRAMEWORK_CHANNEL}-`;

/** The address `channel` of a Bot Framework `channelId`. */
export function addressChannelOf(channelId: string): string {
  return channelId === TEAMS ? TEAMS : `${PREFIX}${channelId}`;
}

/** Whether an address `channel` is one of Bot Framework's. */
export function isBotframeworkChannel(channel: string): boolean {
  return channel === TEAMS || (channel.startsWith(PREFIX) && channel.length > PREFIX.length);
}
