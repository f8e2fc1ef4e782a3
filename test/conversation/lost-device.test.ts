/**
 * A lost or stolen device cannot be photographed: its police report or loss statement is asked in
 * place of the device photo, and the ticket holds `lossReport`, no `devicePhoto`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fieldsSummary } from '../../src/desk/connectors/zendesk-ticket.ts';
import { DESK_CONTRACT_MODULE } from '../../src/http/reviewer-routes.ts';
import { AT, answerFirst } from '../helpers/advance.ts';
import { HAPPY_PATH_ZH, openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

async function filedTicket(chat: TestChat, confirmation: string) {
  const id = /UB-\d{8}-\d{4}/.exec(confirmation)?.[0];
  expect(id, confirmation).toBeDefined();
  return chat.assistant.desk.getTicket(id as string);
}

describe('a lost device', () => {
  it('asks for the loss report instead of the device photo, and files it (zh-CN)', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.deviceCondition);
    await playTranscript(chat, [
      ['丢了', ['设备丢失或被盗属于特殊情况', '不需要设备照片', '报警回执或遗失声明', '解绑的原因']],
    ]);
    // The happy path's answers from the reason to the business licence.
    const upToLicence = HAPPY_PATH_ZH.slice(AT.deviceCondition + 1, AT.legalRepIdFront);
    await answerFirst(chat, upToLicence.length, upToLicence);
    await playTranscript(chat, [
      ['https://pan.example.com/s/id-front', '身份证反面'],
      ['https://pan.example.com/s/id-back', ['不需要设备照片', '请发送报警回执或遗失声明']],
    ]);
    const summary = await chat.sayText('https://pan.example.com/s/police-report');
    expect(summary).toContain('3. 设备状态：丢失或被盗');
    expect(summary).toContain('报警回执或遗失声明：https://pan.example.com/s/police-report');
    expect(summary).not.toContain('设备照片');
    const ticket = await filedTicket(chat, await chat.sayText('确认提交'));
    expect(ticket?.fields.deviceCondition).toBe('lost');
    expect(ticket?.fields.documents.lossReport).toBe('https://pan.example.com/s/police-report');
    expect(ticket?.fields.documents).not.toHaveProperty('devicePhoto');

    // What a Zendesk agent reads, and the documents the reviewer page lists.
    const note = fieldsSummary(ticket!.fields, 'zh-CN');
    expect(note).toContain('报警回执或遗失声明：https://pan.example.com/s/police-report');
    expect(note).not.toContain('设备照片');
    expect(DESK_CONTRACT_MODULE).toContain('"devicePhoto","lossReport"]');
  });

  it('in English', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['I want to unbind my terminal', 'Do you agree?'],
      ['yes', 'serial number'],
      ['N5W1234567', 'merchant number'],
      ['102100012345678', 'What condition'],
      ['stolen', ['special case', 'No photo of the terminal is needed', 'Why do you want to unbind']],
      ['relocation', "contact person's name"],
      ['Li Lei', 'mobile number'],
      ['13912345678', 'email'],
      ['skip', 'minor'],
      ['no', 'business licence'],
      ['https://files.example.com/licence.jpg', 'front'],
      ['https://files.example.com/front.jpg', 'back'],
      ['https://files.example.com/back.jpg', ['no photo of it is needed', 'police report or a signed loss statement']],
      [
        'police report https://files.example.com/report.pdf',
        ['Please check', 'Lost or stolen', 'Police report or loss statement: https://files.example.com/report.pdf'],
      ],
    ]);
    const ticket = await filedTicket(chat, await chat.sayText('confirm'));
    expect(ticket?.fields.documents.lossReport).toBe('https://files.example.com/report.pdf');
    expect(ticket?.fields.documents.devicePhoto).toBeUndefined();
  });

  it('changing the condition at the summary from lost to working drops the report and asks the photo', async () => {
    chat = await openTestChat();
    const answers = [...HAPPY_PATH_ZH.slice(0, AT.deviceCondition), '3', ...HAPPY_PATH_ZH.slice(AT.reason, -1)];
    await answerFirst(chat, answers.length, answers);
    await playTranscript(chat, [
      ['https://pan.example.com/s/report', ['请核对', '报警回执或遗失声明：https://pan.example.com/s/report']],
      ['3', '设备现在的状态'],
      ['正常', '请发送一张能看清序列号的设备照片，或照片的链接'],
      ['https://pan.example.com/s/device', ['请核对', '设备照片：https://pan.example.com/s/device']],
    ]);
    const ticket = await filedTicket(chat, await chat.sayText('确认提交'));
    expect(ticket?.fields.deviceCondition).toBe('working');
    expect(ticket?.fields.documents.devicePhoto).toBe('https://pan.example.com/s/device');
    expect(ticket?.fields.documents).not.toHaveProperty('lossReport');
  });
});
