/**
 * A conversation's address is its channel and its id together: the same id on another channel
 * is another merchant, who sees none of the first one's tickets, status or later messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

describe('the same conversation id on two channels', () => {
  it('status and later messages stay with the channel that filed the ticket', async () => {
    chat = await openTestChat({ conversationId: 'shared-id' });
    await answerFirst(chat, AT.summary);
    const filed = await chat.sayText('确认提交');
    const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0];
    expect(ticketId).toBeDefined();

    const onConsole = (text: string) =>
      chat.assistant.router.handle({ channel: 'console', conversationId: 'shared-id', userId: 'shared-id', text });
    const consoleStatus = (await onConsole('进度')).map((r) => r.text).join('\n');
    expect(consoleStatus).not.toContain(ticketId as string);
    expect(await chat.sayText('进度')).toContain(ticketId as string);

    const toConsole: string[] = [];
    const toWebchat: string[] = [];
    chat.assistant.events.subscribe({ channel: 'console', conversationId: 'shared-id' }, (r) => toConsole.push(r.text));
    chat.onLater((text) => toWebchat.push(text));
    await chat.assistant.desk.decide(ticketId as string, { decision: 'reject', note: '资料不全' }, 'reviewer:li');
    await chat.deliverLater();
    expect(toWebchat.join('\n')).toContain('资料不全');
    expect(toConsole).toEqual([]);
    expect(await chat.assistant.events.since({ channel: 'console', conversationId: 'shared-id' }, '0')).toEqual([]);
  });
});
