/**
 * Photos as answers: a photo answers the document being asked, a photo with a label goes to that
 * document, several photos fill the documents in order and the bot says which went where; the
 * summary says "已上传（照片）" and the ticket holds `document:<id>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { uploaded } from '../helpers/photos.ts';
import { HAPPY_PATH_ZH, openTestChat, type TestChat } from '../helpers/test-assistant.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

const ticketIdIn = (text: string) => /UB-\d{8}-\d{4}/.exec(text)?.[0] as string;

describe('photos as the documents', () => {
  it('several photos in one message fill the documents in order, and the bot says which went where', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.businessLicense);
    const [licence, front, back] = [
      await uploaded(chat.assistant.documents, '#aa0000'),
      await uploaded(chat.assistant.documents, '#00aa00'),
      await uploaded(chat.assistant.documents, '#0000aa'),
    ];
    const noted = await chat.sayText('', { attachments: [licence!, front!, back!] });
    expect(noted).toContain('营业执照 已上传（照片）');
    expect(noted).toContain('法人身份证正面 已上传（照片）');
    expect(noted).toContain('法人身份证反面 已上传（照片）');
    expect(noted).toContain('设备照片');
    const device = await uploaded(chat.assistant.documents, '#777777');
    const summary = await chat.sayText('', { attachments: [device] });
    expect(summary).toContain('请核对您的解绑申请');
    expect(summary).toMatch(/营业执照：已上传（照片）/);
    expect(summary).toMatch(/设备照片：已上传（照片）/);
    const ticket = await chat.assistant.desk.getTicket(ticketIdIn(await chat.sayText('确认提交')));
    expect(ticket?.fields.documents).toEqual({
      businessLicense: `document:${licence!.documentId}`,
      legalRepIdFront: `document:${front!.documentId}`,
      legalRepIdBack: `document:${back!.documentId}`,
      devicePhoto: `document:${device.documentId}`,
    });
  });

  it('a photo sent with a label goes to that document; the one being asked is asked again', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.businessLicense);
    const back = await uploaded(chat.assistant.documents, '#123456');
    const reply = await chat.sayText('身份证反面', { attachments: [back] });
    expect(reply).toContain('法人身份证反面 已上传（照片）');
    expect(reply).toContain('营业执照');
    const licence = await uploaded(chat.assistant.documents, '#654321');
    expect(await chat.sayText('', { attachments: [licence] })).toContain('正面');
    // A link still answers a document, beside photos.
    expect(await chat.sayText('https://pan.example.com/s/id-front')).toContain('设备照片');
    const device = await uploaded(chat.assistant.documents, '#abcdef');
    await chat.say('', { attachments: [device] });
    const ticket = await chat.assistant.desk.getTicket(ticketIdIn(await chat.sayText('确认提交')));
    expect(ticket?.fields.documents).toMatchObject({
      businessLicense: `document:${licence.documentId}`,
      legalRepIdFront: 'https://pan.example.com/s/id-front',
      legalRepIdBack: `document:${back.documentId}`,
    });
  });

  it('a photo sent before documents are asked is noted for the first document, in English', async () => {
    chat = await openTestChat();
    await chat.say('I want to unbind my terminal');
    await chat.say('yes');
    const licence = await uploaded(chat.assistant.documents, '#0f0f0f');
    const reply = await chat.sayText('', { attachments: [licence] });
    expect(reply).toContain('uploaded (photo)');
    expect(reply).toContain('serial number');
  });

  it('a message with only a photo outside any document question changes nothing it should not', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.phone, HAPPY_PATH_ZH);
    const licence = await uploaded(chat.assistant.documents, '#f0f0f0');
    const reply = await chat.sayText('', { attachments: [licence] });
    // Noted against the licence, and the phone is asked again.
    expect(reply).toContain('营业执照 已上传（照片）');
    expect(reply).toContain('手机');
  });
});
