/**
 * The channels `npm start` serves, each opt-in by its own configuration. A new channel is a
 * folder beside these and one line here.
 */
import { botframeworkChannel } from './botframework/botframework-channel.ts';
import type { ChannelFactory } from './channel.ts';
import { slackChannel } from './slack/slack-channel.ts';
import { webchatChannel } from './webchat/webchat-channel.ts';
import { wechatChannel } from './wechat/wechat-channel.ts';

export const SERVER_CHANNELS: readonly ChannelFactory[] = [
  webchatChannel,
  wechatChannel,
  slackChannel,
  botframeworkChannel,
];
