/**
 * Links as merchants send them: with a label in front, or followed by Chinese punctuation. The
 * link answers the document being asked, and nothing that is not part of it is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AT, answerFirst } from '../helpers/advance.ts';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

describe('a document link in running text', () => {
  it('a label before the link, then Chinese punctuation after one: both links stored as links', async () => {
    chat = await openTestChat();
    await answerFirst(chat, AT.businessLicense);
    expect(await chat.sayText('营业执照 https://pan.example.com/s/licence')).toContain('身份证');
    expect(await chat.sayText('https://pan.example.com/s/id-front，这是正面')).toContain('反面');
    await chat.say('身份证反面：https://pan.example.com/s/id-back');
    await chat.say("here's the device photo https://pan.example.com/s/device");
    const filed = await chat.sayText('确认提交');
    const ticketId = /UB-\d{8}-\d{4}/.exec(filed)?.[0] as string;
    const ticket = await chat.assistant.desk.getTicket(ticketId);
    expect(ticket?.fields.documents).toEqual({
      businessLicense: 'https://pan.example.com/s/licence',
      legalRepIdFront: 'https://pan.example.com/s/id-front',
      legalRepIdBack: 'https://pan.example.com/s/id-back',
      devicePhoto: 'https://pan.example.com/s/device',
    });
  });
});
