import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript, type TranscriptStep } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

async function at(slot: number, steps: TranscriptStep[]) {
  chat = await openTestChat();
  await answerFirst(chat, slot);
  await playTranscript(chat, steps);
}

describe('every rejected answer says what was wrong, with an example, in Chinese', () => {
  it('serial number', () =>
    at(AT.sn, [
      ['N5W12', ['8–20 位', '例如：N5W1234567']],
      ['N5W#1234567', ['只包含字母和数字', '例如：N5W1234567']],
      ['N5W1234567', '商户号'],
    ]));
  it('merchant number', () =>
    at(AT.merchantNo, [
      ['10210001234567', ['15 位数字', '例如：102100012345678']],
      ['10210001234567A', '只包含数字'],
      ['102100012345678', '设备现在的状态'],
    ]));
  it('choices and yes/no', async () => {
    await at(AT.deviceCondition, [
      ['蓝色的', ['没有看懂您的选择', '1. 正常使用']],
      ['9', '没有看懂您的选择'],
      ['能用', '解绑的原因'],
    ]);
  });
  it('name', () =>
    at(AT.contactName, [
      ['张三3', ['姓名里不能有数字', '例如：张三']],
      ['www.example.com', '不能有链接'],
      ['很'.repeat(41), '最多 40 个字'],
      ['张三', '手机号'],
    ]));
  it('phone', () =>
    at(AT.phone, [
      ['1381234567', ['11 位数字', '例如：13812345678']],
      ['138123456789', '11 位数字'],
      ['12812345678', '不是大陆手机号'],
      ['138-1234-5678', '邮箱'],
    ]));
  it('email', () =>
    at(AT.email, [
      ['zhangsan@', ['邮箱格式不对', '例如：zhangsan@example.com']],
      ['ZhangSan@Example.com', '未成年人'],
    ]));
  it('document links', () =>
    at(AT.businessLicense, [
      ['http://pan.example.com/s/abc', ['必须以 https:// 开头', '例如：https://pan.example.com/s/abc123']],
      ['javascript:alert(1)', '只能接受以 https:// 开头'],
      ['data:image/png;base64,AAAA', '只能接受以 https:// 开头'],
      ['file:///C:/licence.jpg', '只能接受以 https:// 开头'],
      ['营业执照照片', '不是一个有效的链接'],
      [`https://example.com/${'a'.repeat(2040)}`, '链接太长了'],
      ['https://pan.example.com/s/licence', '身份证正面'],
    ]));
});

describe('the same rules in English', () => {
  it('phone, link and serial number', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['I need to unbind my terminal', 'Do you agree?'],
      ['yes', 'serial number'],
      ['N5W', ['8 to 20 letters or digits', 'For example: N5W1234567']],
      ['N5W1234567', 'merchant number'],
      ['12345', ['exactly 15 digits', 'For example: 102100012345678']],
      ['102100012345678', 'condition'],
      ['working', 'Why'],
      ['moving', "contact person's name"],
      ['Li Lei 2', ["can't contain digits", 'For example: Zhang San']],
      ['Li Lei', 'mobile number'],
      ['555-1234', ['11 digits', 'For example: 13812345678']],
      ['13912345678', 'email'],
      ['not-an-email', ["doesn't look right", 'For example: zhangsan@example.com']],
      ['skip', 'minor'],
      ['maybe', 'Please reply "yes" or "no"'],
      ['no', 'business licence'],
      ['http://files.example.com/a.jpg', ['must start with https://', 'For example: https://pan.example.com/s/abc123']],
    ]);
  });
});

describe('three failed tries at one question', () => {
  it('offers a call back, which files a callback request in the desk, and keeps the question', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    expect(await chat.sayText('123')).not.toContain('人工回电');
    await chat.say('456');
    const third = await chat.say('789');
    expect(third.at(-1)?.text).toContain('回复「人工回电」');
    expect(third.at(-1)?.suggestedActions).toContain('人工回电');
    const reply = await chat.sayText('人工回电');
    expect(reply).toMatch(/人工协助请求（编号 CB-20261125-0001）/);
    expect(reply).toContain('手机号');
    const [callback] = await chat.assistant.desk.listCallbacks();
    expect(callback).toMatchObject({ conversationId: 'conv-1', slot: 'phone', locale: 'zh-CN' });
    await playTranscript(chat, [['13812345678', '邮箱']]);
  });
});
