/**
 * The ways out of a request and back in, as a merchant lives them: cancelling a form asks first
 * when answers would be lost; a ticket not yet decided can be withdrawn (the desk records it once
 * and an external webhook desk is told); after a rejection or a withdrawal, applying again starts
 * from the last answers and files a new ticket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../src/desk/support-desk.ts';
import { AT, answerFirst } from '../helpers/advance.ts';
import { type LocalDeskServer, startLocalDesk } from '../helpers/local-desk-server.ts';
import { HAPPY_PATH_ZH, openTestChat, type TestChat, tempSqliteUrl } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
let desk: LocalDeskServer | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await chat?.close();
  await desk?.close();
  desk = undefined;
  cleanup?.();
  cleanup = undefined;
});

const FIRST = 'UB-20261125-0001';
const SECOND = 'UB-20261125-0002';

const HAPPY_PATH_EN: readonly string[] = [
  'I want to unbind my terminal',
  'yes',
  'N5W1234567',
  '102100012345678',
  'working',
  'relocation or closure',
  'Zhang San',
  '13812345678',
  'skip',
  'no',
  'https://pan.example.com/s/licence',
  'https://pan.example.com/s/id-front',
  'https://pan.example.com/s/id-back',
  'https://pan.example.com/s/device',
];

async function fileInChinese(): Promise<void> {
  await answerFirst(chat, AT.summary);
  expect(await chat.sayText('确认提交')).toContain(FIRST);
}

async function fileInEnglish(): Promise<void> {
  await answerFirst(chat, HAPPY_PATH_EN.length, HAPPY_PATH_EN);
  expect(await chat.sayText('confirm')).toContain(FIRST);
}

describe('cancelling a form asks first when answers would be lost', () => {
  it('zh: "no" goes back to the pending question with every answer; "yes" cancels and files nothing', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [
      ['取消', '已填写的内容不会保存，确定取消吗？'],
      // Anything but yes or no asks again, and changes nothing.
      ['13812345678', '请回复「是」或「否」'],
      ['不取消', ['已填写的内容都还在', '手机号']],
      ['13812345678', '邮箱'],
      ['上一步', '当前填写的是：13812345678'],
      ['取消', '确定取消吗'],
      ['是', '已取消本次申请'],
      ['取消', '目前没有进行中的申请'],
    ]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(0);
  });

  it('en: "no" keeps the answers, "yes" cancels', async () => {
    chat = await openTestChat();
    await answerFirst(chat, 7, HAPPY_PATH_EN);
    await playTranscript(chat, [
      ['cancel', "won't be kept. Are you sure you want to cancel?"],
      ['no', ["everything you've filled in is still here", 'mobile']],
      ['cancel', 'Are you sure'],
      ['yes', 'this request is cancelled'],
    ]);
  });

  it('with nothing typed yet (only consent), cancels at once', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.sn);
    await playTranscript(chat, [['取消', '已取消本次申请']]);
  });

  it('saying the cancel word again confirms it', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [
      ['取消', '确定取消吗'],
      ['取消', '已取消本次申请'],
    ]);
  });

  it('the question survives a restart of the assistant', async () => {
    const temp = tempSqliteUrl();
    cleanup = temp.cleanup;
    chat = await openTestChat({ storageUrl: temp.url });
    await answerFirst(chat, AT.phone);
    await playTranscript(chat, [['取消', '确定取消吗']]);
    await chat.close();
    chat = await openTestChat({ storageUrl: temp.url });
    await playTranscript(chat, [
      ['否', ['已填写的内容都还在', '手机号']],
      ['13812345678', '邮箱'],
    ]);
  });
});

describe('withdrawing a ticket nobody has decided yet', () => {
  it('zh: asks with the ticket number, then cancels it once: status, history, audit, and the webhook desk told', async () => {
    desk = await startLocalDesk();
    chat = await openTestChat({
      config: { DESK_WEBHOOK_URL: `${desk.url}/unbind-events`, DESK_WEBHOOK_SECRET: ['webhook-secret-0123456789'] },
    });
    await fileInChinese();
    await chat.assistant.desk.decide(FIRST, { decision: 'request_changes', fields: ['phone'], note: '请核对' }, 'r');
    await chat.assistant.desk.resubmit(FIRST, (await chat.assistant.desk.getTicket(FIRST))!.fields, 'merchant:x');
    await playTranscript(chat, [
      ['帮我撤回申请', [`撤回工单 ${FIRST}？`, '审核中', '撤回后审核会停止']],
      ['不', '不撤回，您的申请会继续审核'],
      ['进度', '审核中'],
      ['撤回', `撤回工单 ${FIRST}？`],
      ['是', `已撤回工单 ${FIRST}，审核已停止`],
      ['进度', `${FIRST}：已撤回（审核已停止）`],
      ['撤回', `工单 ${FIRST} 已经撤回了`],
    ]);
    const ticket = await chat.assistant.desk.getTicket(FIRST);
    expect(ticket?.status).toBe('cancelled');
    expect(ticket?.history.at(-1)).toEqual({ at: expect.any(String), status: 'cancelled', by: 'merchant:merchant-1' });
    const audit = await chat.assistant.desk.listAudit({ ticketId: FIRST });
    expect(audit.at(-1)).toMatchObject({ from: 'in_review', to: 'cancelled', by: 'merchant:merchant-1' });
    // A reviewer can no longer decide it.
    await expect(chat.assistant.desk.decide(FIRST, { decision: 'approve' }, 'reviewer:li')).rejects.toMatchObject({
      code: 'invalid_transition',
    });

    await chat.assistant.outbox?.drain();
    const events = desk.requests.map((r) => r.json as { event: string; ticket: { status: string } });
    expect(events.map((e) => e.event)).toEqual(['filed', 'decided', 'resubmitted', 'withdrawn']);
    expect(events.at(-1)?.ticket.status).toBe('cancelled');
  });

  it('en: "withdraw my request" under review asks, "yes" withdraws', async () => {
    chat = await openTestChat();
    await fileInEnglish();
    await playTranscript(chat, [
      ['withdraw my request', [`Withdraw ticket ${FIRST}?`, 'review stops']],
      ['yes', `Ticket ${FIRST} is withdrawn`],
      ['status', `${FIRST}: withdrawn`],
      ['cancel my application', 'already withdrawn'],
    ]);
    expect((await chat.assistant.desk.getTicket(FIRST))?.status).toBe('cancelled');
  });

  it('an approved ticket is not withdrawn: the merchant is told why, in either language', async () => {
    chat = await openTestChat();
    await fileInChinese();
    await chat.assistant.desk.decide(FIRST, { decision: 'approve' }, 'reviewer:li');
    await playTranscript(chat, [
      ['撤回', `工单 ${FIRST} 已经审核通过、正在解绑，无法再撤回了`],
      ['withdraw my request', `Ticket ${FIRST} has already been approved`],
    ]);
    expect((await chat.assistant.desk.getTicket(FIRST))?.status).toBe('approved');
  });

  it('a reviewer deciding between the question and the yes: nothing withdrawn, the merchant told', async () => {
    chat = await openTestChat();
    await fileInChinese();
    await playTranscript(chat, [['撤回', '确定撤回吗']]);
    await chat.assistant.desk.decide(FIRST, { decision: 'reject', note: '资料不全' }, 'reviewer:li');
    await playTranscript(chat, [['是', `工单 ${FIRST} 未通过审核，已经结束，无需撤回`]]);
    expect((await chat.assistant.desk.getTicket(FIRST))?.status).toBe('rejected');
  });

  it('a redelivered "yes" withdraws once: one history entry, one event', async () => {
    chat = await openTestChat();
    await fileInChinese();
    const events: TicketEvent[] = [];
    chat.assistant.desk.onTicketEvent((event) => void events.push(event));
    await chat.say('撤回');
    const first = await chat.sayText('是', { messageId: 'wechat-msg-77' });
    const again = await chat.sayText('是', { messageId: 'wechat-msg-77' });
    expect(first).toContain(`已撤回工单 ${FIRST}`);
    expect(again).toBe(first);
    const ticket = await chat.assistant.desk.getTicket(FIRST);
    expect(ticket?.history.filter((entry) => entry.status === 'cancelled')).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['withdrawn']);
  });
});

describe('applying again after a rejection or a withdrawal', () => {
  it('zh: after a rejection, "重新申请" shows the last answers, a change is made there, and a new ticket is filed', async () => {
    chat = await openTestChat();
    await fileInChinese();
    await chat.assistant.desk.decide(FIRST, { decision: 'reject', note: '营业执照已过期' }, 'reviewer:li');
    await playTranscript(chat, [
      // No longer "already filed": the last request is over.
      ['你好', [`您上次的申请 ${FIRST}：未通过审核`, '重新申请']],
      ['重新申请', [`已按上次的申请 ${FIRST} 预先填好`, '1. 设备序列号：N5W1234567', '6. 手机号：13812345678']],
      ['营业执照', '营业执照'],
      ['https://pan.example.com/s/licence-2027', '9. 营业执照：https://pan.example.com/s/licence-2027'],
      ['确认提交', `申请已提交，工单号：${SECOND}`],
      ['进度', [`${FIRST}：未通过审核`, `${SECOND}：已提交，等待审核`]],
    ]);
    const [first, second] = await chat.assistant.desk.listTickets({});
    expect(second?.id).toBe(SECOND);
    expect(second?.fields).toEqual({
      ...first?.fields,
      documents: { ...first?.fields.documents, businessLicense: 'https://pan.example.com/s/licence-2027' },
    });
    expect(first?.status).toBe('rejected');
  });

  it('en: after a withdrawal, "apply again" starts from the last answers', async () => {
    chat = await openTestChat();
    await fileInEnglish();
    await chat.say('withdraw');
    await chat.say('yes');
    await playTranscript(chat, [
      ['apply again', [`filled in from your last request ${FIRST}`, '1. Serial number: N5W1234567']],
      ['confirm', SECOND],
    ]);
    expect((await chat.assistant.desk.getTicket(SECOND))?.fields.sn).toBe('N5W1234567');
  });

  it('zh: with the last request still under review, "重新申请" offers withdrawal or status instead', async () => {
    chat = await openTestChat();
    await fileInChinese();
    await playTranscript(chat, [['重新申请', [`您的申请 ${FIRST} 还在处理中`, '撤回申请', '查询进度']]]);
    expect(await chat.assistant.desk.listTickets({})).toHaveLength(1);
  });

  it('en: with the last request still under review, "apply again" offers withdrawal or status instead', async () => {
    chat = await openTestChat();
    await fileInEnglish();
    const replies = await chat.say('apply again');
    expect(replies.map((r) => r.text).join('\n')).toContain(`Your request ${FIRST} is still being handled`);
    // The offered buttons are themselves commands: withdrawing is one tap away.
    expect(replies.at(-1)?.suggestedActions).toEqual(['Withdraw my request', 'Check status']);
    await playTranscript(chat, [['Withdraw my request', `Withdraw ticket ${FIRST}?`]]);
  });

  it('the start command after a rejection also starts from the last answers', async () => {
    chat = await openTestChat();
    await fileInChinese();
    await chat.assistant.desk.decide(FIRST, { decision: 'reject', note: '请重新拍照' }, 'reviewer:li');
    await playTranscript(chat, [[HAPPY_PATH_ZH[0]!, [`已按上次的申请 ${FIRST} 预先填好`, '请核对您的解绑申请']]]);
  });
});
