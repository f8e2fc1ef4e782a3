/**
 * The web chat page in real headless Chromium, against the HTTP app over the fake assistant:
 * what a merchant on a phone sees and taps.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultScript } from '../helpers/fake-router.ts';
import { startTestServer, type TestServer } from '../http/http-test-server.ts';
import { launchChromium, newPhoneContext } from './browser.ts';

let browser: Browser;
let server: TestServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  server.received.length = 0;
  server.setScript(defaultScript);
  context = await newPhoneContext(browser);
  page = await context.newPage();
  await open();
});
afterEach(() => context.close());

async function open() {
  await page.goto(server.url);
  await page.locator('.app:not([aria-busy])').waitFor();
}
const bubbles = (from: 'bot' | 'merchant') => page.locator(`.message--${from} .bubble:not(.typing)`);
const suggestions = () => page.locator('.suggestion');
const stored = (key: string) => page.evaluate((k) => localStorage.getItem(k), key);
/** The conversation the page keeps: `{conversationId, token}`, as the server issued it. */
const storedConversation = async () =>
  JSON.parse((await stored('webchat.conversation')) ?? 'null') as { conversationId: string; token: string } | null;
/** Waits for the page to have started its conversation (it does so on opening). */
async function conversationOfPage() {
  await expect.poll(storedConversation).not.toBeNull();
  return (await storedConversation())!;
}

/** The app name in the header is shown whole, not cut off with an ellipsis. */
const titleFits = () => page.locator('h1').evaluate((h1) => h1.scrollWidth <= h1.clientWidth);

async function type(text: string) {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}

describe('web chat page', () => {
  it('opens in Chinese with a greeting and start buttons', async () => {
    await expect.poll(() => page.locator('h1').textContent()).toBe('店掌柜 POS 解绑助手');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.locator('#input').getAttribute('placeholder')).toBe('输入消息…');
    expect(await bubbles('bot').first().textContent()).toContain('您好！我是店掌柜 POS 解绑助手');
    expect(await suggestions().allTextContents()).toEqual(['我要解绑', '查询解绑进度', '转人工客服']);
    expect(await page.title()).toBe('店掌柜 POS 解绑助手');
  });

  it('sends a typed message with Enter and shows the reply', async () => {
    await type('你好');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('收到：你好');
    expect(await bubbles('merchant').allTextContents()).toEqual(['我: 你好']);
    const [message] = server.received;
    expect(message).toMatchObject({
      channel: 'webchat',
      text: '你好',
      conversationId: (await conversationOfPage()).conversationId,
    });
    expect(message?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message?.userId).toBe(await stored('webchat.userId'));
    // The merchant never chose a language, so the bot decides from the text.
    expect(message).not.toHaveProperty('locale');
    expect(await page.locator('#input').inputValue()).toBe('');
  });

  it('tapping a suggested action sends it; new choices replace the old ones', async () => {
    await suggestions().filter({ hasText: '我要解绑' }).click();
    await expect.poll(() => suggestions().allTextContents()).toEqual(['同意', '不同意']);
    expect(server.received.map((m) => m.text)).toEqual(['我要解绑']);
    // Line breaks in bot text survive.
    // biome-ignore lint/performance/useDomNodeTextContent: innerText shows the rendered line breaks, the point here
    expect(await bubbles('bot').nth(1).innerText()).toContain('办理解绑。\n请先阅读');
    await suggestions().filter({ hasText: '不同意' }).click();
    await expect.poll(() => server.received.map((m) => m.text)).toEqual(['我要解绑', '不同意']);
  });

  it('disables sending while a message is in flight', async () => {
    let release = () => {};
    server.setScript(() => new Promise((resolve) => (release = () => resolve([{ text: '好的' }]))));
    await type('等一下');
    await expect.poll(() => page.locator('#send').isDisabled()).toBe(true);
    await page.locator('.typing').waitFor();
    await page.locator('#input').fill('第二条');
    await page.locator('#input').press('Enter');
    // The page may still be starting its conversation: release the bot once it has the message.
    await expect.poll(() => server.received.length).toBe(1);
    release();
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('好的');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    expect(server.received.map((m) => m.text)).toEqual(['等一下']);
    expect(await page.locator('#input').inputValue()).toBe('第二条');
  });

  it('switches the interface to English and tells the bot about the choice', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('店掌柜 POS Unbind Assistant');
    expect(await page.getAttribute('html', 'lang')).toBe('en-US');
    expect(await page.locator('#input').getAttribute('placeholder')).toBe('Type a message…');
    expect(await suggestions().allTextContents()).toEqual([
      'Unbind my terminal',
      'Check my unbind status',
      'Talk to a person',
    ]);
    await suggestions().first().click();
    await expect.poll(() => server.received[0]?.locale).toBe('en-US');
    await open();
    expect(await page.locator('h1').textContent()).toBe('店掌柜 POS Unbind Assistant');
  });

  it('shows a message that arrives later over the event stream', async () => {
    const { conversationId } = await conversationOfPage();
    await server.waitForListener(conversationId);
    await server.publish(conversationId, { text: '您的解绑申请已通过审核。', suggestedActions: ['谢谢'] });
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('您的解绑申请已通过审核。');
    expect(await suggestions().allTextContents()).toEqual(['谢谢']);
  });

  it('keeps the conversation across a reload', async () => {
    await type('第一条');
    await expect.poll(() => bubbles('bot').count()).toBe(2);
    const { conversationId } = await conversationOfPage();
    await open();
    expect(await bubbles('merchant').allTextContents()).toEqual(['我: 第一条']);
    expect(await bubbles('bot').last().textContent()).toContain('收到：第一条');
    await type('第二条');
    await expect.poll(() => server.received.length).toBe(2);
    expect(server.received[1]?.conversationId).toBe(conversationId);
  });

  it('starts a new conversation on request, keeping the same user', async () => {
    await type('旧对话');
    await expect.poll(() => bubbles('bot').count()).toBe(2);
    const before = { conversation: await conversationOfPage(), userId: await stored('webchat.userId') };
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('#new-conversation').click();
    await expect.poll(() => bubbles('merchant').count()).toBe(0);
    expect(await suggestions().count()).toBe(3);
    // A new conversation from the server, with a token of its own.
    await expect
      .poll(async () => (await storedConversation())?.conversationId)
      .not.toBe(before.conversation.conversationId);
    const after = await conversationOfPage();
    expect(after.token).not.toBe(before.conversation.token);
    expect(await stored('webchat.userId')).toBe(before.userId);
    await type('新对话');
    await expect.poll(() => server.received.at(-1)?.conversationId).toBe(after.conversationId);
  });

  it('shows a polite error when sending fails, and retries with the same messageId', async () => {
    server.setScript(() => {
      throw new Error('down');
    });
    await type('你好');
    await page.locator('#error').waitFor({ timeout: 10_000 });
    expect(await page.locator('#error-text').textContent()).toBe('消息没有发出去，请检查网络后重试。');
    expect(await page.locator('.failed-mark').textContent()).toBe('未发送');
    server.setScript(defaultScript);
    await page.locator('#retry').click();
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('收到：你好');
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.locator('.failed-mark').count()).toBe(0);
    const ids = new Set(server.received.map((m) => m.messageId));
    // One automatic retry, one tap on retry: three tries of one message.
    expect(server.received).toHaveLength(3);
    expect(ids.size).toBe(1);
  });

  it('starts its conversation through the API and sends its token on every call', async () => {
    const calls: { url: string; authorization?: string }[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/webchat/')) {
        calls.push({ url: request.url(), authorization: request.headers().authorization });
      }
    });
    await page.evaluate(() => localStorage.clear());
    await open();
    const { conversationId, token } = await conversationOfPage();
    await type('你好');
    await expect.poll(() => server.received.length).toBe(1);
    const events = `/api/webchat/conversations/${conversationId}/events?after=0&token=${token}`;
    await expect.poll(() => calls.some((call) => call.url.endsWith(events))).toBe(true);
    const messages = calls.filter((call) => call.url.endsWith('/api/webchat/messages'));
    expect(messages.map((call) => call.authorization)).toEqual([`Bearer ${token}`]);
    expect(calls.filter((call) => call.url.endsWith('/api/webchat/conversations'))).toHaveLength(1);
  });

  it('a conversation the server does not know (storage reset) is replaced, and the message still goes', async () => {
    const forged = { conversationId: 'forged-conversation', token: 'f'.repeat(43) };
    await page.evaluate((value) => localStorage.setItem('webchat.conversation', value), JSON.stringify(forged));
    await open();
    await type('还在吗');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('收到：还在吗');
    const replaced = await conversationOfPage();
    expect(replaced.conversationId).not.toBe(forged.conversationId);
    expect(server.received.map((m) => m.conversationId)).toEqual([replaced.conversationId]);
  });

  it('shows bot text as text, never as markup', async () => {
    const markup = '<img src=x onerror="document.title=1"><b>粗体</b>';
    server.setScript(() => [{ text: markup }]);
    await type('test');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain(markup);
    expect(await page.locator('.messages img, .messages b').count()).toBe(0);
  });

  it('looks right on a 390×844 phone (screenshot at /tmp/webchat.png)', async () => {
    await suggestions().filter({ hasText: '我要解绑' }).click();
    await expect.poll(() => suggestions().allTextContents()).toEqual(['同意', '不同意']);
    const box = (await page.locator('.composer').boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await titleFits()).toBe(true);
    await page.screenshot({ path: '/tmp/webchat.png' });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('店掌柜 POS Unbind Assistant');
    expect(await titleFits()).toBe(true);
    await page.screenshot({ path: '/tmp/webchat-en.png' });
  });
});
