import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

const TICKET = 'UB-20261125-0001';

/** Files the Chinese happy path and returns what the merchant is told later, as it arrives. */
async function fileTicket(): Promise<string[]> {
  chat = await openTestChat();
  const told: string[] = [];
  chat.onLater((text) => told.push(text));
  await answerFirst(chat, AT.summary);
  await chat.say('确认提交');
  return told;
}

describe('the desk decides, the merchant is told unprompted', () => {
  it('approved: told once, in Chinese, and status follows', async () => {
    const told = await fileTicket();
    await playTranscript(chat, [['进度', '已提交，等待审核']]);
    await chat.assistant.desk.decide(TICKET, { decision: 'approve' }, 'reviewer:li');
    await chat.deliverLater();
    expect(told).toEqual([expect.stringContaining(`您的解绑申请 ${TICKET} 已审核通过`)]);
    await playTranscript(chat, [['进度', '审核通过，正在解绑']]);
    // Stored too: a page that was closed gets it when it reconnects.
    expect(
      (await chat.assistant.events.since({ channel: 'webchat', conversationId: 'conv-1' }, '0')).map((n) => n.text),
    ).toEqual(told);
  });

  it('rejected: the reviewer note reaches the merchant', async () => {
    const told = await fileTicket();
    await chat.assistant.desk.decide(TICKET, { decision: 'reject', note: '营业执照已过期' }, 'reviewer:li');
    await chat.deliverLater();
    expect(told.join('\n')).toContain('未通过审核');
    expect(told.join('\n')).toContain('审核意见：营业执照已过期');
    await playTranscript(chat, [['进度', '未通过审核']]);
  });

  it('changes requested for two fields: only those are asked, the changes are shown, the same ticket goes back to review', async () => {
    const told = await fileTicket();
    await chat.assistant.desk.decide(
      TICKET,
      { decision: 'request_changes', note: '手机号无法接通，执照照片模糊', fields: ['phone', 'businessLicense'] },
      'reviewer:li',
    );
    await chat.deliverLater();
    const message = told.join('\n');
    expect(message).toContain('需要补充或修改以下资料：手机号和营业执照');
    expect(message).toContain('审核意见：手机号无法接通，执照照片模糊');
    expect(message).toContain('当前填写的是：13812345678');
    await playTranscript(chat, [
      ['进度', ['需要补充或修改资料', '手机号']],
      ['12345', '11 位数字'],
      ['13912345678', ['营业执照', '当前填写的是：https://pan.example.com/s/licence']],
      [
        'https://pan.example.com/s/licence-clear',
        [
          '6. 手机号：13912345678（已修改，原为：13812345678）',
          '9. 营业执照：https://pan.example.com/s/licence-clear（已修改',
          '1. 设备序列号：N5W1234567',
        ],
      ],
      ['确认提交', `已更新工单 ${TICKET} 的资料并重新提交审核`],
      ['进度', '审核中'],
    ]);
    const tickets = await chat.assistant.desk.listTickets({});
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      status: 'in_review',
      fields: { phone: '13912345678', documents: { businessLicense: 'https://pan.example.com/s/licence-clear' } },
    });
    const audit = await chat.assistant.desk.listAudit({ ticketId: TICKET });
    expect(audit.map((a) => [a.from, a.to, a.by])).toEqual([
      [undefined, 'submitted', 'merchant:merchant-1'],
      ['submitted', 'changes_requested', 'reviewer:li'],
      ['changes_requested', 'in_review', 'merchant:merchant-1'],
    ]);
    expect(audit[2]?.fields).toEqual(['phone', 'businessLicense']);
    // Approved after resubmission.
    await chat.assistant.desk.decide(TICKET, { decision: 'approve' }, 'reviewer:li');
    await chat.deliverLater();
    expect(told.at(-1)).toContain('已审核通过');
  });

  it('a merchant who cancelled the correction is brought back to it', async () => {
    await fileTicket();
    await chat.assistant.desk.decide(TICKET, { decision: 'request_changes', note: '请补充', fields: ['email'] }, 'r');
    await chat.deliverLater();
    await playTranscript(chat, [
      ['取消', '确定取消吗'],
      ['是', '已取消'],
      ['你好', ['邮箱']],
      ['zs@example.com', ['7. 邮箱：zs@example.com（已修改，原为：zhangsan@example.com）']],
    ]);
  });

  it('in English, for an English-speaking merchant', async () => {
    chat = await openTestChat();
    const told: string[] = [];
    chat.onLater((text) => told.push(text));
    await playTranscript(chat, [['I want to unbind my terminal', 'Do you agree?']]);
    for (const answer of [
      'yes',
      'N5W1234567',
      '102100012345678',
      'working',
      'moving',
      'Li Lei',
      '13912345678',
      'skip',
      'no',
      'https://f.example.com/1',
      'https://f.example.com/2',
      'https://f.example.com/3',
      'https://f.example.com/4',
      'confirm',
    ]) {
      await chat.say(answer);
    }
    await playTranscript(chat, [['status', 'submitted, waiting for review']]);
    await chat.assistant.desk.decide(
      TICKET,
      { decision: 'request_changes', note: 'Photo unreadable', fields: ['devicePhoto'] },
      'r',
    );
    await chat.deliverLater();
    expect(told.join('\n')).toContain('needs changes to: Device photo');
    expect(told.join('\n')).toContain("Reviewer's note: Photo unreadable");
    await playTranscript(chat, [
      ['https://f.example.com/4b', 'Device photo: https://f.example.com/4b (changed; was: https://f.example.com/4)'],
      ['confirm', 'back in review'],
      ['status', 'in review'],
    ]);
    await chat.assistant.desk.decide(TICKET, { decision: 'reject', note: 'Terminal under contract until 2027' }, 'r');
    await chat.deliverLater();
    expect(told.at(-1)).toContain('was not approved');
    expect(told.at(-1)).toContain('Terminal under contract until 2027');
    await playTranscript(chat, [['status', 'not approved']]);
  });
});
