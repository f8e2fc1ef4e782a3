/**
 * The terminal (`npm run chat`), a process of its own: messages that arrive later (a decision
 * made in the reviewer page of `npm start`) reach it through the proactive outbox, which only
 * this process delivers for console addresses; they are stored as notices (shown once per
 * message id) and printed by the chat loop that listens to them.
 */
import type { ChannelFactory } from '../channel.ts';

export const CONSOLE_CHANNEL = 'console';

export const consoleChannel: ChannelFactory = ({ notices }) => ({
  name: CONSOLE_CHANNEL,
  async send(address, messages) {
    for (const { messageId, ...reply } of messages) await notices.publish(address, reply, messageId);
  },
});
