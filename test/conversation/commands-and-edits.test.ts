import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { HAPPY_PATH_ZH, openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

describe('editing from the summary', () => {
  it('changes a field named by number, then by name, and returns to the summary', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.summary);
    await playTranscript(chat, [
      ['6', ['手机号', '当前填写的是：13812345678']],
      ['13912345678', ['请核对您的解绑申请', '6. 手机号：13912345678']],
      ['改邮箱', '邮箱'],
      ['zs@example.com', '7. 邮箱：zs@example.com'],
      ['修改', '要修改哪一项'],
      ['联系人', '联系人怎么称呼'],
      ['李四', '5. 联系人：李四'],
      ['确认提交', '工单号：UB-20261125-0001'],
    ]);
    const [ticket] = await chat.assistant.desk.listTickets({});
    expect(ticket?.fields).toMatchObject({ phone: '13912345678', email: 'zs@example.com', contactName: '李四' });
  });

  it('in English, by name', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.summary);
    await playTranscript(chat, [
      ['English', ['continue in English', 'Please check your unbind request']],
      ['change phone', 'mobile number'],
      ['13700001111', '6. Mobile number: 13700001111'],
    ]);
  });
});

describe('back, cancel, start over', () => {
  it('back re-asks the previous question with its current answer, then continues', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [
      ['上一步', ['联系人怎么称呼', '当前填写的是：张三']],
      ['上一步', ['解绑的原因', '当前填写的是：搬迁或关店']],
      // The answers after it are kept: the form continues with the first question still open.
      ['换机器', '手机号'],
    ]);
  });

  it('back at the first question says so', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.consent);
    await playTranscript(chat, [['上一步', ['已经是第一个问题了', '同意吗']]]);
  });

  it('cancel ends the request and files nothing; unbind starts again', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [
      ['取消', '确定取消吗'],
      ['是', '已取消本次申请'],
      ['取消', '目前没有进行中的申请'],
      ['解绑', ['解绑助手', '同意吗']],
    ]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(0);
  });

  it('start over clears the answers', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [
      ['重新开始', ['已清空之前填写的内容', '同意吗']],
      ['同意', '设备序列号'],
    ]);
    expect(await chat.sayText('上一步')).not.toContain('N5W1234567');
  });

  it('declining consent collects nothing', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['解绑', '同意吗'],
      ['不同意', '没有您的同意我们不会收集任何信息'],
    ]);
  });
});

describe('language', () => {
  it('switches mid-form and asks the same question in the new language', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.merchantNo);
    await playTranscript(chat, [
      ['English', ["I'll continue in English", 'merchant number']],
      ['102100012345678', 'What condition'],
      ['中文', ['用中文', '设备现在的状态']],
    ]);
  });

  it('follows the merchant: Chinese script means Chinese', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['hello, I want to unbind my POS', 'Do you agree?'],
      ['好的', '设备序列号'],
    ]);
  });

  it('help answers and re-asks', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.sn);
    await playTranscript(chat, [['帮助', ['随时可以回复', '设备序列号']]]);
  });
});

describe('conditional documents', () => {
  it('asks for the new legal representative and the guardian only when they apply', async () => {
    chat = await openTestChat();
    const answers = [...HAPPY_PATH_ZH.slice(0, AT.reason), '变更法人', '王五', '13812345678', '跳过', '是'];
    await answerFirst(chat, answers.length, answers);
    await playTranscript(chat, [
      ['https://pan.example.com/a', '身份证正面'],
      ['https://pan.example.com/b', '身份证反面'],
      ['https://pan.example.com/c', '新法定代表人身份证'],
      ['https://pan.example.com/d', '监护人身份证'],
      ['https://pan.example.com/e', '设备照片'],
      [
        'https://pan.example.com/f',
        ['新法人身份证：https://pan.example.com/d', '监护人身份证：https://pan.example.com/e'],
      ],
      // Changing the reason away drops the document it required.
      ['4', '解绑的原因'],
      ['换机器', ['请核对', '解绑原因：更换设备']],
    ]);
    const summary = await chat.sayText('修改');
    expect(summary).toContain('要修改哪一项');
    expect(await chat.sayText('返回')).toContain('请核对');
    await chat.say('确认提交');
    const [ticket] = await chat.assistant.desk.listTickets({});
    expect(ticket?.fields.involvesMinor).toBe(true);
    expect(ticket?.fields.documents.guardianId).toBe('https://pan.example.com/e');
    expect(ticket?.fields.documents.devicePhoto).toBe('https://pan.example.com/f');
    expect(ticket?.fields.documents.newLegalRepId).toBeUndefined();
  });

  it('a lost device gets the notice and the offer of an agent', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.deviceCondition);
    await playTranscript(chat, [['丢了', ['设备丢失或被盗属于特殊情况', '人工回电', '解绑的原因']]]);
  });
});

describe('exactly one ticket', () => {
  it('when the confirmation is delivered twice at once', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.summary);
    const [first, second] = await Promise.all([
      chat.say('确认提交', { messageId: 'm-confirm' }),
      chat.say('确认提交', { messageId: 'm-confirm' }),
    ]);
    expect(second).toEqual(first);
    expect(first?.[0]?.text).toContain('UB-20261125-0001');
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(1);
  });

  it('when the merchant types yes again', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.summary);
    await playTranscript(chat, [
      ['确认提交', 'UB-20261125-0001'],
      ['确认提交', ['已经提交过了', 'UB-20261125-0001', '无需重复提交']],
      ['yes', 'UB-20261125-0001'],
    ]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(1);
  });
});

describe('messages that are not answers', () => {
  it('an empty message and a 5,000-character message get a polite answer and change nothing', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    // Only the transcript (every message of the conversation, these too) grows.
    const stateKeys = async () =>
      (await chat.assistant.store.keys('')).filter((key) => !key.startsWith('handoff/transcript/'));
    const before = await stateKeys();
    const snapshot = await chat.assistant.store.getMany(before);
    await playTranscript(chat, [
      ['', ['没有收到文字内容', '手机号']],
      ['   ', '没有收到文字内容'],
      ['电'.repeat(5000), ['消息太长了', '手机号']],
    ]);
    const after = await chat.assistant.store.getMany(await stateKeys());
    expect([...after.entries()]).toEqual([...snapshot.entries()]);
    await playTranscript(chat, [['13812345678', '邮箱']]);
  });

  it('counts characters, not UTF-16 units: 1,300 emoji are not too long, 2,501 are', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    const emoji = await chat.sayText('😀'.repeat(1300));
    expect(emoji).not.toContain('消息太长了');
    expect(emoji).toContain('手机号');
    await playTranscript(chat, [['😀'.repeat(2501), ['消息太长了', '2500', '手机号']]]);
  });
});

describe('status', () => {
  it('answers from the desk, before and after filing, and mid-form returns to the question', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [['进度', ['还没有提交过解绑申请', '手机号']]]);
    for (const text of HAPPY_PATH_ZH.slice(AT.phone)) await chat.say(text);
    await chat.say('确认提交');
    await playTranscript(chat, [
      ['我的解绑进度', ['您的解绑申请进度', 'UB-20261125-0001：已提交，等待审核']],
      ['status', 'UB-20261125-0001'],
    ]);
  });
});
