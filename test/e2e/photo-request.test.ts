/**
 * A whole unbind request with photos only, through the web chat page in headless Chromium: the
 * merchant taps the attach button and picks real image files (made with sharp here); each photo
 * shows in their bubble as a thumbnail and answers the document asked; the ticket holds the
 * documents' references. A file that is not a photo is refused in the page's language.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../helpers/photos.ts';
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

const botBubbles = (page: Page) => page.locator('.message--bot .bubble:not(.typing)');
const lastBotText = (page: Page) => botBubbles(page).last().textContent();

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

/** Taps the attach button and picks the file in the chooser the page opens, as a person would. */
async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent('filechooser');
  await page.locator('#attach').click();
  await (await chooser).setFiles(file);
}

const sendPhoto = (page: Page, name: string, buffer: Buffer) =>
  andWaitForReply(page, () => attach(page, { name, mimeType: 'image/jpeg', buffer }));

describe('a merchant files a request with photos in the web chat', () => {
  it('the attach button offers the camera and takes photos; each shows as a thumbnail and fills a document', async () => {
    const context = await newPhoneContext(browser, 'zh-CN');
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();
    // What makes a phone offer its camera: photos and PDFs, with capture.
    const input = page.locator('#file');
    expect(await input.getAttribute('accept')).toBe('image/*,application/pdf');
    expect(await input.getAttribute('capture')).not.toBeNull();
    expect(await page.locator('#attach').getAttribute('aria-label')).toBe('拍照或上传文件');

    await tap(page, '我要解绑');
    await tap(page, '是');
    await type(page, 'N5W1234567');
    await type(page, '102100012345678');
    await tap(page, '正常使用');
    await tap(page, '搬迁或关店');
    await type(page, '王芳');
    await type(page, '13912345678');
    await tap(page, '跳过');
    await tap(page, '否');
    expect(await lastBotText(page)).toContain('营业执照');

    await sendPhoto(page, 'licence.jpg', await photo('#b03030', { width: 1200, height: 900 }));
    expect(await lastBotText(page)).toContain('正面');
    const thumbnail = page.locator('.message--merchant .document__thumbnail').last();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
    await sendPhoto(page, 'front.jpg', await photo('#30b030'));
    await sendPhoto(page, 'back.jpg', await photo('#3030b0'));
    await sendPhoto(page, 'device.jpg', await photo('#808080'));
    const summary = await lastBotText(page);
    expect(summary).toContain('请核对您的解绑申请');
    expect(summary).toContain('营业执照：已上传（照片）');
    expect(await page.locator('.message--merchant .document__thumbnail').count()).toBe(4);
    await page.screenshot({ path: '/tmp/webchat-photos-summary.png' });

    await tap(page, '确认提交');
    const ticketId = /UB-\d{8}-\d{4}/.exec((await lastBotText(page)) ?? '')?.[0];
    expect(ticketId).toBeDefined();
    const response = await fetch(`${server.url}/api/desk/tickets/${ticketId}`, {
      headers: { authorization: `Bearer ${REAL_SERVER_DESK_TOKEN}` },
    });
    const ticket = (await response.json()) as { fields: { documents: Record<string, string> } };
    const references = Object.values(ticket.fields.documents);
    expect(references).toHaveLength(4);
    for (const reference of references) expect(reference).toMatch(/^document:[0-9a-f]{64}\.jpg$/);
    await context.close();
  });

  it('a file that is not a photo is refused in the page language, and nothing is sent', async () => {
    const context = await newPhoneContext(browser, 'en-US');
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();
    await page.locator('[data-locale="en-US"]').click();
    await expect.poll(() => page.locator('#attach').getAttribute('aria-label')).toBe('Take a photo or upload a file');
    const executable = Buffer.concat([Buffer.from('4d5a9000', 'hex'), Buffer.alloc(400, 3)]);
    await attach(page, { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: executable });
    await expect
      .poll(() => page.locator('#error-text').textContent())
      .toContain('photos (JPG, PNG, WebP, HEIC) or PDF');
    expect(await page.locator('.message--merchant').count()).toBe(0);
    await context.close();
  });
});
