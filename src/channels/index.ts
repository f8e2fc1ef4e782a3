/**
 * The channels `npm start` serves, each opt-in by its own configuration. A new channel is a
 * folder beside these and one line here.
 */
import type { ChannelFactory } from './channel.ts';
import { slackChannel } from './slack/slack-channel.ts';
import { webchatChannel } from './webchat/webchat-channel.ts';

export const SERVER_CHANNELS: readonly ChannelFactory[] = [webchatChannel, slackChannel];
