import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

describe('what merchants actually write', () => {
  it('a first message that fills four slots: none of them is asked again', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      [
        '我要解绑 SN号N5W1234567 店关门了 电话１３８ 1234 5678 商户号102100012345678',
        [
          '已记下',
          '设备序列号 N5W1234567',
          '商户号 102100012345678',
          '解绑原因 搬迁或关店',
          '手机号 13812345678',
          '同意吗',
        ],
      ],
      ['同意', '设备现在的状态'],
      ['能用', '联系人怎么称呼'],
      ['张三', '邮箱'],
      ['跳过', '未成年人'],
    ]);
    const summaryAnswers = ['否', 'https://a.example.com/1', 'https://a.example.com/2', 'https://a.example.com/3'];
    for (const answer of summaryAnswers) await chat.say(answer);
    await playTranscript(chat, [
      ['https://a.example.com/4', ['1. 设备序列号：N5W1234567', '4. 解绑原因：搬迁或关店', '6. 手机号：13812345678']],
    ]);
  });

  it('a correction of an earlier field two steps later, then back to the same question', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.involvesMinor);
    await playTranscript(chat, [
      ['电话写错了 应该是13912345678', ['已记下：手机号 13912345678', '未成年人']],
      // Written in English, so answered in English: the language follows the merchant.
      ['sorry, my email is Li.Lei@Example.com', ['noted: Email li.lei@example.com', 'involve a minor']],
      ['中文', '未成年人'],
      ['电话写错了 应该是1391234567', ['11 位数字', '未成年人']],
      ['否', '营业执照'],
    ]);
    for (const answer of ['https://a.example.com/1', 'https://a.example.com/2', 'https://a.example.com/3']) {
      await chat.say(answer);
    }
    const summary = await chat.sayText('https://a.example.com/4');
    expect(summary).toContain('6. 手机号：13912345678');
    expect(summary).toContain('7. 邮箱：li.lei@example.com');
  });

  it('questions at three different steps are answered, then the right question comes back', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.sn);
    await playTranscript(chat, [
      ['手续费多少?', ['不收取任何手续费', '我们继续刚才的问题', '设备序列号']],
      ['N5W1234567', '商户号'],
    ]);
    await answerFirst(chat, 3, ['102100012345678', '1', '搬迁或关店']);
    await playTranscript(chat, [
      ['押金什么时候退啊', ['押金会在解绑完成后原路退回', '联系人怎么称呼']],
      ['张三', '手机号'],
      ['13812345678', '邮箱'],
      ['跳过', '未成年人'],
      ['否', '营业执照'],
      ['审核要多久？', ['1–3 个工作日', '营业执照']],
      ['需要准备哪些资料？', ['法定代表人身份证正反面', '营业执照']],
    ]);
  });

  it('the same in English', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      [
        'hi, need to unbind my POS, serial N5W1234567, we are relocating',
        ['Got it, noted', 'N5W1234567', 'Relocation', 'Do you agree?'],
      ],
      ['yes', 'merchant number'],
      ['how much does it cost?', ['free of charge', "Let's continue", 'merchant number']],
      ['102100012345678', 'condition'],
    ]);
  });

  it('a message it cannot place gets a short clarifying question with choices', async () => {
    chat = await openTestChat();
    const replies = await chat.say('今天天气不错');
    expect(replies[0]?.text).toContain('没太明白');
    expect(replies[0]?.suggestedActions).toEqual(['我要解绑', '查询进度', '人工客服']);
  });

  it('traditional characters are understood', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['我要解綁，店關門了', ['解绑原因 搬迁或关店', '同意吗']],
      ['同意', '设备序列号'],
    ]);
  });

  it('an answer that fits the question is an answer, not an intent', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.contactName);
    // Names and descriptions that contain words of intents.
    await playTranscript(chat, [
      ['王进度', ['手机号']],
      ['上一步', '联系人怎么称呼'],
      ['张客服', ['手机号']],
    ]);
    const summaryPath = ['13812345678', '跳过', '否', 'https://a.example.com/1', 'https://a.example.com/2'];
    for (const answer of summaryPath) await chat.say(answer);
    await chat.say('https://a.example.com/3');
    expect(await chat.sayText('https://a.example.com/4')).toContain('5. 联系人：张客服');
  });
});

describe('a hurried merchant (found by trying it in the web page)', () => {
  it('answers in phrases, volunteers details early, and still gets through', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['这个机器我不用了怎么弄', '同意吗'],
      ['我要解绑 SN号n5w1234567 店关门了 电话１３８ 1234 5678', ['已记下', '同意吗']],
      ['商户号102100012345678', ['已记下：商户号 102100012345678', '同意吗']],
      ['好的同意', '设备现在的状态'],
      ['坏了开不了机', '联系人怎么称呼'],
      ['手续费多少?', ['不收取任何手续费', '联系人怎么称呼']],
      ['王老板', '邮箱'],
      ['电话写错了 应该是13912345678', ['手机号 13912345678', '邮箱']],
      ['没有邮箱', '未成年人'],
      ['不涉及', '营业执照'],
    ]);
  });
});
