/**
 * The web chat page over a limit, in headless Chromium: a merchant sending faster than the
 * per-conversation limit is told to wait in their language, and Retry sends the same message.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../http/http-test-server.ts';
import { launchChromium, newPhoneContext } from './browser.ts';

let browser: Browser;
let server: TestServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({ env: { WEBCHAT_MESSAGES_PER_CONVERSATION_PER_MINUTE: '1' } });
  context = await newPhoneContext(browser);
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function type(text: string) {
  await page.locator('#input').fill(text);
  await page.locator('#input').press('Enter');
}
const lastBot = () => page.locator('.message--bot .bubble:not(.typing)').last().textContent();

describe('web chat page over the message limit', () => {
  it('says to wait, sends nothing more on its own, and Retry sends the same message later', async () => {
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();
    await type('第一条');
    await expect.poll(lastBot).toContain('收到：第一条');

    await type('第二条');
    await page.locator('#error').waitFor();
    expect(await page.locator('#error-text').textContent()).toBe('您发送得太快了。请稍等片刻，再点“重试”。');
    expect(server.received.map((m) => m.text)).toEqual(['第一条']);

    server.clock.advance(60_000);
    await page.locator('#retry').click();
    await expect.poll(lastBot).toContain('收到：第二条');
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(server.received.map((m) => m.text)).toEqual(['第一条', '第二条']);
  });
});
