/**
 * Which address channels the Bot Framework channel answers for: Teams and every prefixed
 * Bot Framework channel id, never this product's own channels (Bot Framework has a `webchat`
 * and a `slack` of its own), and its proactive deliveries are routed to it.
 */
import { describe, expect, it } from 'vitest';
import { addressChannelOf, isBotframeworkChannel } from '../../src/channels/botframework/botframework-address.ts';
import { botframeworkChannel } from '../../src/channels/botframework/botframework-channel.ts';
import { type Channel, type ChannelContext, channelFor } from '../../src/channels/channel.ts';

describe('Bot Framework addresses', () => {
  it('keeps Teams by name and prefixes every other channel id', () => {
    expect(addressChannelOf('msteams')).toBe('msteams');
    expect(addressChannelOf('emulator')).toBe('botframework-emulator');
    expect(addressChannelOf('webchat')).toBe('botframework-webchat');
    expect(addressChannelOf('slack')).toBe('botframework-slack');
  });

  it('serves its own addresses and no other channel', () => {
    for (const channel of ['msteams', 'botframework-emulator', 'botframework-webchat']) {
      expect(isBotframeworkChannel(channel), channel).toBe(true);
    }
    for (const channel of ['webchat', 'slack', 'wechat', 'console', 'botframework-', 'botframework']) {
      expect(isBotframeworkChannel(channel), channel).toBe(false);
    }
  });

  it('is off unless configured, and then found for its addresses', () => {
    const context = { config: {} } as unknown as ChannelContext;
    expect(botframeworkChannel(context)).toBeUndefined();
    expect(botframeworkChannel({ ...context, config: { BOTFRAMEWORK_ENABLED: false } })).toBeUndefined();
    const channel = botframeworkChannel({ ...context, config: { BOTFRAMEWORK_ENABLED: true } }) as Channel;
    const webchat = { name: 'webchat', send: async () => {} } satisfies Channel;
    const channels = new Map<string, Channel>([
      ['webchat', webchat],
      [channel.name, channel],
    ]);
    expect(channelFor(channels, 'msteams')).toBe(channel);
    expect(channelFor(channels, 'botframework-webchat')).toBe(channel);
    expect(channelFor(channels, 'webchat')).toBe(webchat);
    expect(channelFor(channels, 'slack')).toBeUndefined();
  });
});
