/**
 * Status questions that carry their own answer: a ticket number or the device's serial number,
 * with the last four digits of the phone, in the message that asks. Only what is missing is asked;
 * a wrong pair gets the same answer as an unknown one, and the tries are limited as ever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

const NO_MATCH_ZH = '没有找到与这个工单号（或序列号）和手机号匹配的申请，请核对后回复「进度」再试一次。';
const FOUND_ZH = '工单 UB-20261125-0001 的进度：已提交，等待审核';

/** Files UB-20261125-0001 (SN N5W1234567, phone 13812345678) in conv-1; returns a chat of another conversation. */
async function fileFromAnotherChat(conversationId = 'conv-2'): Promise<TestChat> {
  chat = await openTestChat({ conversationId: 'conv-1' });
  await answerFirst(chat, AT.summary);
  await chat.say('确认提交');
  const { router } = chat.assistant;
  const say = (text: string) => router.handle({ channel: 'webchat', conversationId, userId: 'u2', text });
  return {
    ...chat,
    say,
    sayText: async (text) => (await say(text)).map((reply) => reply.text).join('\n---\n'),
  };
}

describe('a status question with its answer in it', () => {
  it('ticket number and last four digits in one message are answered at once (zh-CN)', async () => {
    const elsewhere = await fileFromAnotherChat();
    const reply = await elsewhere.sayText('查下进度 UB-20261125-0001 尾号5678');
    expect(reply).toContain(FOUND_ZH);
    expect(reply).not.toContain('请发送');
    expect(await elsewhere.sayText('UB-20261125-0001 5678')).toContain(FOUND_ZH);
  });

  it('the same in English', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['status UB-20261125-0001 last 4 5678', 'Ticket UB-20261125-0001: submitted, waiting for review.'],
    ]);
  });

  it('serial number and last four digits in one message find its most recent request', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [['SN n5w1234567 尾号5678', FOUND_ZH]]);
    await playTranscript(elsewhere, [['我的机器N5W1234567 手机后四位 5678 审核到哪了', FOUND_ZH]]);
    await playTranscript(elsewhere, [
      ['status of N5W1234567, last four digits 5678', 'Ticket UB-20261125-0001: submitted, waiting for review.'],
    ]);
  });

  it('only the ticket number: only the last four digits are asked, in words or bare', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['UB-20261125-0001', ['已记下', '手机号的后 4 位']],
      ['尾号是5678', FOUND_ZH],
    ]);
    await playTranscript(elsewhere, [
      ['what is the status of ub-20261125-0001', ['last 4 digits']],
      ['5678', 'Ticket UB-20261125-0001: submitted'],
    ]);
  });

  it('only a serial number with a status question: the last four digits are asked', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['N5W1234567 进度', '手机号的后 4 位'],
      ['5678', FOUND_ZH],
    ]);
  });

  it('the lookup asks for a ticket number or a serial number, and takes either', async () => {
    const elsewhere = await fileFromAnotherChat();
    await playTranscript(elsewhere, [
      ['进度', ['请发送工单号', '设备序列号']],
      ['N5W#1', ['只包含字母和数字', '例如：UB-20261125-0007，或 N5W1234567']],
      ['n5w1234567', '手机号的后 4 位'],
      ['5678', FOUND_ZH],
    ]);
  });

  it('a wrong last four gets the same answer as an unknown ticket or serial number', async () => {
    const elsewhere = await fileFromAnotherChat();
    const answers = [
      await elsewhere.sayText('UB-20261125-0001 1111'),
      await elsewhere.sayText('UB-20261125-0099 5678'),
      await elsewhere.sayText('SN K7Q358201146 尾号5678'),
    ];
    for (const answer of answers) expect(answer.split('\n---\n').at(-1)).toBe(NO_MATCH_ZH);
  });

  it('in one message too, tries past the limit wait, for the ticket and for the serial number', async () => {
    const elsewhere = await fileFromAnotherChat();
    for (const digits of ['1111', '2222', '3333']) {
      expect(await elsewhere.sayText(`UB-20261125-0001 ${digits}`)).toContain(NO_MATCH_ZH);
    }
    // This chat has used its tries: even the right pair, by number or by SN, now has to wait.
    expect(await elsewhere.sayText('UB-20261125-0001 5678')).toContain('尝试次数太多了');
    expect(await elsewhere.sayText('SN N5W1234567 尾号5678')).toContain('尝试次数太多了');

    // Guesses at a serial number from many chats lock that SN for everyone for the hour: the try
    // above counted for it too, so two more are checked.
    const guessers = ['g1', 'g2', 'g3', 'g4'].map(
      (id) => (text: string) =>
        chat.assistant.router.handle({ channel: 'webchat', conversationId: id, userId: id, text }),
    );
    const replies = await Promise.all(guessers.map((say, i) => say(`SN N5W1234567 尾号${1000 + i}`)));
    const texts = replies.map((turn) => turn.map((reply) => reply.text).join('\n'));
    expect(texts.filter((text) => text.includes('没有找到'))).toHaveLength(2);
    expect(texts.filter((text) => text.includes('尝试次数太多了'))).toHaveLength(2);
    const owner = (text: string) =>
      chat.assistant.router.handle({ channel: 'webchat', conversationId: 'new-phone', userId: 'n', text });
    expect((await owner('SN N5W1234567 尾号5678')).map((reply) => reply.text).join('\n')).toContain('尝试次数太多了');
    // The chat that filed it is answered without proof.
    await playTranscript(chat, [['SN N5W1234567 尾号0000', 'UB-20261125-0001：已提交，等待审核']]);
  });

  it('an SN alone still starts an unbind request', async () => {
    chat = await openTestChat();
    const reply = await chat.sayText('我要解绑 N5W1234567');
    expect(reply).toContain('同意吗');
    expect(reply).not.toContain('后 4 位');
  });
});
