/**
 * One language rule for the reply and for understanding: the bot answers in the language the
 * merchant writes, and reads the message with that language's classifier.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTestChat, type TestChat } from '../helpers/test-assistant.ts';
import { playTranscript } from '../helpers/transcript.ts';

let chat: TestChat;
afterEach(async () => chat?.close());

/** The language and intent language understanding reads in a message, given the conversation's language. */
function classified(text: string, conversationLocale: 'zh-CN' | 'en-US') {
  const parsed = chat.assistant.understanding.parse(text, conversationLocale);
  return { locale: parsed.locale, intent: parsed.intent.name };
}

describe('the language of a turn', () => {
  it('"how do I unbind 店掌柜" is English: an English reply and the English classifier', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [['how do I unbind 店掌柜', ['unbind assistant', 'Do you agree?']]]);
    expect(classified('how do I unbind 店掌柜', 'en-US')).toEqual({ locale: 'en-US', intent: 'unbind' });
  });

  it('the same English sentence switches a Chinese conversation to English', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['你好', '您好'],
      ['how do I unbind 店掌柜', 'Do you agree?'],
    ]);
    expect(classified('how do I unbind 店掌柜', 'zh-CN')).toEqual({ locale: 'en-US', intent: 'unbind' });
  });

  it('"我要unbind" is Chinese', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [['我要unbind', ['解绑助手', '同意吗']]]);
    expect(classified('我要unbind', 'en-US')).toEqual({ locale: 'zh-CN', intent: 'unbind' });
  });

  it('a serial number keeps an English conversation English', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['I want to unbind my POS', 'Do you agree?'],
      ['yes', 'serial number'],
      ['N5W1234567', 'merchant number'],
    ]);
  });

  it('and a Chinese conversation Chinese', async () => {
    chat = await openTestChat();
    await playTranscript(chat, [
      ['我要解绑', '同意吗'],
      ['同意', '设备序列号'],
      ['N5W1234567', '请提供商户号'],
    ]);
  });
});
