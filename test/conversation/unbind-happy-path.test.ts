import { afterEach, describe, expect, it } from 'vitest';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript, type TranscriptStep } from '../helpers/transcript.ts';

const ZH_HAPPY_PATH: TranscriptStep[] = [
  ['我要解绑', ['解绑助手', '同意吗']],
  ['同意', ['第 1/12 步', '设备序列号']],
  ['n5w1234567', ['第 2/12 步', '商户号']],
  ['１０２１００ ０１２３４５６７８', ['设备现在的状态', '1. 正常使用', '3. 丢失或被盗']],
  ['1', ['解绑的原因', '4. 变更法定代表人']],
  ['店关了', ['联系人怎么称呼']],
  ['张三', ['手机号']],
  ['+86 138-1234-5678', ['邮箱', '跳过']],
  ['跳过', ['未成年人']],
  ['没有', ['营业执照']],
  ['https://pan.example.com/s/licence', ['身份证正面']],
  ['https://pan.example.com/s/id-front', ['身份证反面']],
  ['https://pan.example.com/s/id-back', ['设备照片']],
  [
    'https://pan.example.com/s/device',
    [
      '请核对您的解绑申请',
      '1. 设备序列号：N5W1234567',
      '2. 商户号：102100012345678',
      '3. 设备状态：正常使用',
      '4. 解绑原因：搬迁或关店',
      '6. 手机号：13812345678',
      '7. 邮箱：未填写',
      '8. 涉及未成年人：否',
    ],
  ],
  ['确认提交', ['申请已提交', '工单号：UB-20261125-0001']],
];

const EN_HAPPY_PATH: TranscriptStep[] = [
  ['Hi, I want to unbind my POS terminal', ['unbind assistant', 'Do you agree?']],
  ['yes', ['Step 1 of 12', 'serial number']],
  ['N5W1234567', ['merchant number']],
  ['102100012345678', ['What condition', '1. Working']],
  ['faulty', ['Why do you want to unbind']],
  ['5', ['briefly describe the reason']],
  ['The shop is being handed to my brother', ["contact person's name"]],
  ['Li Lei', ['mobile number']],
  ['0086 139 1234 5678', ['email address']],
  ['LiLei@Example.COM', ['involve a minor']],
  ['no', ['business licence']],
  ['https://files.example.com/licence.jpg', ['front (photo side)']],
  ['https://files.example.com/front.jpg', ['back (emblem side)']],
  ['https://files.example.com/back.jpg', ['photo of the terminal']],
  [
    'https://files.example.com/device.jpg',
    [
      'Please check your unbind request',
      '3. Device condition: Faulty',
      '4. Reason: Other',
      '5. Reason details: The shop is being handed to my brother',
      '7. Mobile number: 13912345678',
      '8. Email: lilei@example.com',
    ],
  ],
  ['confirm', ['Request submitted', 'Ticket number: UB-20261125-0001']],
];

describe('the unbind request, start to ticket', () => {
  let chat: TestChat;
  afterEach(async () => chat?.close());

  it('files one ticket for a Chinese-speaking merchant', async () => {
    chat = await openTestChat();
    await playTranscript(chat, ZH_HAPPY_PATH);
    const tickets = await chat.assistant.desk.listTickets({});
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      id: 'UB-20261125-0001',
      conversationId: 'conv-1',
      channel: 'webchat',
      locale: 'zh-CN',
      status: 'submitted',
      fields: {
        sn: 'N5W1234567',
        merchantNo: '102100012345678',
        deviceCondition: 'working',
        reason: 'relocation_or_closure',
        contactName: '张三',
        phone: '13812345678',
        involvesMinor: false,
        documents: {
          businessLicense: 'https://pan.example.com/s/licence',
          devicePhoto: 'https://pan.example.com/s/device',
        },
      },
    });
    expect(tickets[0]?.fields.email).toBeUndefined();
    expect(tickets[0]?.fields.documents.newLegalRepId).toBeUndefined();
  });

  it('files one ticket for an English-speaking merchant, with the free-text reason', async () => {
    chat = await openTestChat();
    await playTranscript(chat, EN_HAPPY_PATH);
    const [ticket] = await chat.assistant.desk.listTickets({});
    expect(ticket).toMatchObject({
      locale: 'en-US',
      fields: { reason: 'other', reasonDetail: 'The shop is being handed to my brother', email: 'lilei@example.com' },
    });
  });
});
