/**
 * A whole unbind request through the web chat page in headless Chromium, against the real
 * assistant (bot, SQLite storage, built-in desk), as a merchant on a phone would do it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_SERVER_DESK_TOKEN, type RealServer, startRealServer } from '../helpers/real-server.ts';
import { launchChromium, newPhoneContext } from './browser.ts';

let browser: Browser;
let server: RealServer;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startRealServer();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const lastBotText = (page: Page) => page.locator('.message--bot .bubble:not(.typing)').last().textContent();

const botBubbles = (page: Page) => page.locator('.message--bot .bubble:not(.typing)');

/** Does what the merchant does, then waits until the bot has answered it. */
async function andWaitForReply(page: Page, act: () => Promise<void>) {
  const before = await botBubbles(page).count();
  await act();
  await expect.poll(() => botBubbles(page).count()).toBeGreaterThan(before);
  await page.locator('#input:not([aria-busy="true"])').waitFor();
  await expect.poll(() => page.locator('.typing').count()).toBe(0);
}

const tap = (page: Page, label: string) =>
  andWaitForReply(page, () => page.locator('.suggestion', { hasText: label }).first().click());

const type = (page: Page, text: string) =>
  andWaitForReply(page, async () => {
    await page.locator('#input').fill(text);
    await page.locator('#input').press('Enter');
  });

describe('a merchant files a request in the web chat', () => {
  it('in Chinese, tapping buttons where offered, and gets a ticket number', async () => {
    const context = await newPhoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();

    await tap(page, '我要解绑');
    await expect.poll(() => lastBotText(page)).toContain('同意吗');
    await tap(page, '是');
    await expect.poll(() => lastBotText(page)).toContain('设备序列号');
    await type(page, 'n5w 123 4567');
    await type(page, '１０２１００ ０１２３４５６７８');
    await tap(page, '正常使用');
    await tap(page, '搬迁或关店');
    await type(page, '张三');
    await type(page, '138123456');
    expect(await lastBotText(page)).toContain('11 位数字');
    await type(page, '138 1234 5678');
    await tap(page, '跳过');
    await tap(page, '否');
    for (const doc of ['licence', 'front', 'back', 'device']) await type(page, `https://pan.example.com/s/${doc}`);
    expect(await lastBotText(page)).toContain('请核对您的解绑申请');
    await page.screenshot({ path: '/tmp/webchat-summary.png', fullPage: false });
    await tap(page, '确认提交');
    await expect.poll(() => lastBotText(page)).toContain('工单号：UB-20261125-0001');
    await page.screenshot({ path: '/tmp/webchat-ticket.png', fullPage: false });

    const response = await fetch(`${server.url}/api/desk/tickets/UB-20261125-0001`, {
      headers: { authorization: `Bearer ${REAL_SERVER_DESK_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ fields: { sn: 'N5W1234567', phone: '13812345678' } });
    await context.close();
  });

  it('in English after the merchant switches the page language', async () => {
    const context = await newPhoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();
    await page.locator('[data-locale="en-US"]').click();
    await expect.poll(() => page.locator('#input').getAttribute('placeholder')).not.toBe('输入消息…');
    await tap(page, 'Unbind my terminal');
    await expect.poll(() => lastBotText(page)).toContain('Do you agree?');
    await tap(page, 'Yes');
    await expect.poll(() => lastBotText(page)).toContain('serial number');
    await type(page, 'abc');
    expect(await lastBotText(page)).toContain('8 to 20 letters or digits');
    await context.close();
  });
});
