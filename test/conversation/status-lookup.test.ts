import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

/** Files a ticket in conv-1 (phone 13812345678), then returns a chat for another conversation. */
async function fileFromAnotherChat(): Promise<TestChat> {
  chat = await openTestChat({ conversationId: 'conv-1' });
  await answerFirst(chat, AT.summary);
  await chat.say('确认提交');
  const other = chat.assistant.router;
  return {
    ...chat,
    say: (text, opts = {}) =>
      other.handle({ channel: 'webchat', conversationId: 'conv-2', userId: 'u2', text, ...opts }),
    sayText: async (text, opts) =>
      (await other.handle({ channel: 'webchat', conversationId: 'conv-2', userId: 'u2', text, ...opts }))
        .map((r) => r.text)
        .join('\n---\n'),
  };
}

describe('status from another conversation', () => {
  it('needs the ticket number and the last four digits of its phone', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['查询解绑进度', '请发送工单号'],
      ['UB-2026', ['工单号的格式不对', '例如：UB-20261125-0007']],
      [' ub-20261125-0001 ', '手机号的后 4 位'],
      ['５６７８', '工单 UB-20261125-0001 的进度：已提交，等待审核'],
    ]);
  });

  it('a wrong pair reveals nothing, and repeated wrong tries must wait', async () => {
    const elsewhere = await fileFromAnotherChat();
    const wrong = [
      ['UB-20261125-0001', '1111'],
      ['UB-20261125-0099', '5678'],
      ['UB-20261125-0001', '2222'],
    ];
    for (const [id, digits] of wrong) {
      await elsewhere.say('进度');
      await elsewhere.say(id!);
      const answer = await elsewhere.sayText(digits!);
      // The same words whether the ticket exists or the digits are wrong.
      expect(answer).toBe('没有找到与这个工单号（或序列号）和手机号匹配的申请，请核对后回复「进度」再试一次。');
    }
    // Even the right pair now has to wait.
    await elsewhere.say('进度');
    await elsewhere.say('UB-20261125-0001');
    expect(await elsewhere.sayText('5678')).toContain('尝试次数太多了');
  });

  it('guesses from many chats lock the ticket for an hour, never the chat that filed it', async () => {
    chat = await openTestChat({ conversationId: 'conv-1' });
    await answerFirst(chat, AT.summary);
    await chat.say('确认提交');
    const fromChat = (conversationId: string) => (text: string) =>
      chat.assistant.router.handle({ channel: 'webchat', conversationId, userId: conversationId, text });
    const guessers = Array.from({ length: 10 }, (_, i) => fromChat(`guesser-${i}`));
    for (const say of guessers) {
      await say('进度');
      await say('UB-20261125-0001');
    }
    // All at once, each from its own chat: only the first three are checked.
    const answers = await Promise.all(guessers.map((say, i) => say(String(1000 + i))));
    const texts = answers.map((replies) => replies.map((r) => r.text).join('\n'));
    expect(texts.filter((text) => text.includes('没有找到'))).toHaveLength(3);
    expect(texts.filter((text) => text.includes('尝试次数太多了，为保护您的信息，请 60 分钟后再试'))).toHaveLength(7);

    const merchantElsewhere = fromChat('new-phone');
    await merchantElsewhere('进度');
    await merchantElsewhere('UB-20261125-0001');
    expect((await merchantElsewhere('5678'))[0]?.text).toContain('尝试次数太多了');
    await playTranscript(chat, [['进度', 'UB-20261125-0001：已提交，等待审核']]);

    chat.advanceClock(60 * 60 * 1000);
    await merchantElsewhere('进度');
    await merchantElsewhere('UB-20261125-0001');
    expect((await merchantElsewhere('5678'))[0]?.text).toContain('工单 UB-20261125-0001 的进度：已提交，等待审核');
  });

  it('「上一步」 goes back within the lookup', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['查询解绑进度', '请发送工单号'],
      ['上一步', ['已经是第一个问题了', '请发送工单号']],
      ['UB-20261125-0001', '手机号的后 4 位'],
      ['上一步', ['请发送工单号', '当前填写的是：UB-20261125-0001']],
      ['UB-20261125-0001', '手机号的后 4 位'],
      ['5678', '工单 UB-20261125-0001 的进度：已提交，等待审核'],
    ]);
  });

  it('「重新开始」 starts the lookup over', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['进度', '请发送工单号'],
      ['UB-20261125-0001', '手机号的后 4 位'],
      ['重新开始', ['从头开始', '请发送工单号']],
    ]);
  });

  it('「帮助」 explains the lookup, then asks the same question again', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['进度', '请发送工单号'],
      ['UB-20261125-0001', '手机号的后 4 位'],
      ['帮助', ['查询进度需要工单号', '手机号的后 4 位']],
      ['5678', '工单 UB-20261125-0001 的进度'],
    ]);
  });

  it('in English', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['status of my request', 'Please send the ticket number'],
      ['UB-20261125-0001', 'last 4 digits'],
      ['5678', 'Ticket UB-20261125-0001: submitted, waiting for review.'],
    ]);
  });

  it('back and help in English', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['status', 'Please send the ticket number'],
      ['UB-20261125-0001', 'last 4 digits'],
      ['help', ['To look up a request I need', 'last 4 digits']],
      ['back', ['Please send the ticket number', 'Currently: UB-20261125-0001']],
    ]);
  });
});
