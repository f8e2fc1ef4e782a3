/**
 * Daily limits per conversation: past them nothing is filed, the merchant is told why in their
 * language, and the conversation goes on (the summary waits for tomorrow; an agent request points
 * to the one already filed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerFirst } from '../helpers/advance.ts';
import { HAPPY_PATH_ZH, openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A new request in a chat that filed one already: 「新申请」, then the rest of the happy path. */
const NEXT_REQUEST_ZH = ['新申请', ...HAPPY_PATH_ZH.slice(1)];

let chat: TestChat;
afterEach(async () => chat?.close());

describe('tickets per conversation per day', () => {
  it('the fourth request of the day is kept at its summary, and files tomorrow', async () => {
    chat = await openTestChat();
    await answerFirst(chat, HAPPY_PATH_ZH.length);
    expect(await chat.sayText('确认提交')).toContain('UB-20261125-0001');
    for (const id of ['UB-20261125-0002', 'UB-20261125-0003']) {
      await answerFirst(chat, NEXT_REQUEST_ZH.length, NEXT_REQUEST_ZH);
      expect(await chat.sayText('确认提交')).toContain(id);
    }
    await answerFirst(chat, NEXT_REQUEST_ZH.length, NEXT_REQUEST_ZH);
    await playTranscript(chat, [
      ['确认提交', ['今天这个对话已经提交了 3 份解绑申请', '这一份没有提交', '明天回复「确认提交」']],
      // Still at the summary: the answers are all there, and can be changed.
      ['帮助', '请核对您的解绑申请'],
      ['确认提交', '这一份没有提交'],
    ]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(3);

    chat.advanceClock(DAY_MS);
    await playTranscript(chat, [['确认提交', ['申请已提交', 'UB-20261126-0001']]]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(4);
  });

  it('in English, with the limit configured', async () => {
    chat = await openTestChat({ config: { TICKETS_PER_CONVERSATION_PER_DAY: 1 } });
    await answerFirst(chat, HAPPY_PATH_ZH.length);
    await chat.say('确认提交');
    await chat.say('English');
    await answerFirst(chat, NEXT_REQUEST_ZH.length, NEXT_REQUEST_ZH);
    await playTranscript(chat, [
      ['confirm', ["today's limit of 1 unbind requests", 'this one was not submitted', 'reply "confirm" tomorrow']],
    ]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(1);
  });
});

describe('call-back requests per conversation per day', () => {
  it('past three, the merchant is pointed to the request already filed and the question is asked again', async () => {
    chat = await openTestChat();
    await answerFirst(chat, 3);
    await playTranscript(chat, [
      ['人工', ['CB-20261125-0001', '商户号']],
      ['人工', 'CB-20261125-0002'],
      ['人工', 'CB-20261125-0003'],
      ['人工', ['今天已经为您登记过人工请求（编号 CB-20261125-0003）', '无需重复登记', '商户号']],
      ['102100012345678', '这台设备现在的状态是？'],
    ]);
    expect(await chat.assistant.desk.listCallbacks()).toHaveLength(3);

    chat.advanceClock(DAY_MS);
    await playTranscript(chat, [['人工', 'CB-20261126-0001']]);
  });

  it('300 at once file three', async () => {
    chat = await openTestChat();
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => chat.sayText('人工', { messageId: `m-${i}` })),
    );
    expect(await chat.assistant.desk.listCallbacks()).toHaveLength(3);
    expect(replies.filter((text) => text.includes('无需重复登记'))).toHaveLength(297);
  });

  it('in English, with the limit configured', async () => {
    chat = await openTestChat({ config: { CALLBACKS_PER_CONVERSATION_PER_DAY: 1 } });
    await playTranscript(chat, [
      ['agent', 'CB-20261125-0001'],
      ['agent', ['You already have a request for an agent today (reference CB-20261125-0001)', 'no need to ask again']],
    ]);
    expect(await chat.assistant.desk.listCallbacks()).toHaveLength(1);
  });
});
