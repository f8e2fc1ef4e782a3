/**
 * The agent workspace (/desk/) and the merchant's web chat page side by side in real headless
 * Chromium, on one real server (bot, SQLite, desk, HTTP) with agents configured and business hours
 * covering the test clock: the merchant asks for a person, the conversation appears in the queue
 * live, an agent claims it, messages go both ways, the agent corrects a field and hands back; a
 * second agent (agent role only, on a phone-sized window) sees who has it; a call-back request is
 * closed; the agents' stream drops and the page reconnects and reads the queue again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSha256, writeStaffFile } from '../../src/staff/staff-file.ts';
import { type RealServer, startRealServer } from '../helpers/real-server.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { TEST_START } from '../helpers/test-assistant.ts';
import { launchChromium, newPhoneContext } from './browser.ts';

const ALICE = 'alice-agent-token-0123456789';
const BOB = 'bob-agent-only-token-0123456789';
const MARKUP = '<img src=x onerror="window.hacked=1">有人在吗';

let browser: Browser;
let server: RealServer;
/** The first agent's page reaches the server through this relay, so the test can cut its stream. */
let relay: TcpProxy;
const contexts: BrowserContext[] = [];
let merchant: Page;
let alice: Page;
let bob: Page;
let conversationId = '';
let callbackId = '';
const problems: string[] = [];

async function newPage(name: string, context: BrowserContext, expectedErrors: RegExp) {
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    const text = `${message.text()} ${message.location().url}`;
    if (message.type() === 'error' && !expectedErrors.test(text)) problems.push(`${name}: ${text}`);
  });
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
  // Alice from AGENT_TOKENS (both roles); Bob from the staff file, an agent only.
  const staffFile = path.join(mkdtempSync(path.join(tmpdir(), 'agent-page-staff-')), 'staff.json');
  writeStaffFile(staffFile, { staff: [{ name: 'bob', roles: ['agent'], tokenSha256: tokenSha256(BOB) }] });
  server = await startRealServer({
    AGENT_TOKENS: `alice:${ALICE}`,
    STAFF_FILE: staffFile,
    BUSINESS_DAYS: '1-7',
    BUSINESS_HOURS: '00:00-23:59',
  });
  const { port } = new URL(server.url);
  relay = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
  callbackId = (
    await server.assistant.desk.requestCallback(
      {
        conversationId: 'wx-merchant-7',
        channel: 'wechat',
        userId: 'wx-merchant-7',
        locale: 'zh-CN',
        reason: 'asked',
        phone: '13812345678',
      },
      'seed-callback',
    )
  ).id;

  merchant = await newPage('merchant', await newPhoneContext(browser), /404.*\/favicon\.ico$/);
  await merchant.goto(server.url);
  await merchant.locator('.app:not([aria-busy])').waitFor();

  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  // The agents' clock runs 3 minutes after the server's fixed one: the merchant has waited 3 minutes.
  await laptop.clock.setFixedTime(new Date(TEST_START.getTime() + 3 * 60_000));
  // A dropped stream and the refused second claim (409) are meant to happen.
  alice = await newPage('alice', laptop, /status of (400|409)|ERR_CONNECTION|ERR_EMPTY_RESPONSE|net::/);
  await alice.goto(`${relay.through(server.url)}desk/`);
  await alice.locator('.desk:not([aria-busy])').waitFor();

  const phone = await newPhoneContext(browser);
  // Bob is no reviewer: the desk API refuses his token (401) as it should.
  bob = await newPage('bob', phone, /status of (401|409)/);
  await bob.goto(`${server.url}/desk/`);
  await bob.locator('.desk:not([aria-busy])').waitFor();
}, 60_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await relay?.close();
  await server?.close();
});

const bubbles = (from: 'bot' | 'merchant') => merchant.locator(`.message--${from} .bubble:not(.typing)`);
const entries = (page: Page) => page.locator('#transcript li');
const lastEntry = (page: Page) => entries(page).last();

async function merchantSays(text: string) {
  const before = await bubbles('merchant').count();
  await merchant.locator('#input').fill(text);
  await merchant.locator('#input').press('Enter');
  await expect.poll(() => bubbles('merchant').count()).toBe(before + 1);
  await expect.poll(() => merchant.locator('.typing').count()).toBe(0);
}

async function signIn(page: Page, token: string) {
  await page.locator('#token').fill(token);
  await page.locator('#sign-in-submit').click();
}

describe('the agent workspace beside the merchant', () => {
  it('signs in with the agent’s own token: both roles get tabs, the queue is live and empty', async () => {
    await signIn(alice, ALICE);
    await alice.locator('#tabs').waitFor();
    expect(await alice.locator('#signed-in-as').textContent()).toBe('当前登录：alice');
    expect(await alice.locator('#tabs [role="tab"]').allTextContents()).toEqual(['解绑工单', '人工客服']);
    // A reviewer as well: the tickets first.
    expect(await alice.locator('#workspace').isVisible()).toBe(true);
    await alice.locator('#tab-agent').click();
    expect(await alice.locator('#tab-agent').getAttribute('aria-selected')).toBe('true');
    expect(await alice.locator('#workspace').isHidden()).toBe(true);
    await expect.poll(() => alice.locator('#live-status').textContent()).toBe('实时更新中');
    expect(await alice.locator('#queue-empty').textContent()).toBe('现在没有等待客服的对话。');
  });

  it('the merchant types 人工: the conversation appears in the queue live, with waiting time, language, channel, reason', async () => {
    for (const text of ['我要解绑', '同意', 'N5W1234567']) await merchantSays(text);
    await merchantSays('人工');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('排在第 1 位');
    conversationId = JSON.parse((await merchant.evaluate(() => localStorage.getItem('webchat.conversation'))) ?? '{}')
      .conversationId as string;
    const item = alice.locator('.queue-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator('.queue-id').textContent()).toBe(conversationId);
    expect(await item.locator('.waiting').textContent()).toBe('3 分钟');
    expect(await item.locator('.queue-item-detail').textContent()).toBe('网页聊天 · 中文 · 商户要求人工');
    // The waiting time goes on by itself.
    await alice.clock.setFixedTime(new Date(TEST_START.getTime() + 5 * 60_000));
    await expect.poll(() => item.locator('.waiting').textContent(), { timeout: 10_000 }).toBe('5 分钟');
  });

  it('the agent opens and claims it; the merchant sees the agent joined', async () => {
    await alice.locator('.queue-item').click();
    await expect.poll(() => alice.locator('#conversation-title').textContent()).toBe(`对话 ${conversationId}`);
    expect(await alice.locator('#conversation-meta').textContent()).toBe(
      '网页聊天 · 中文 · 负责人：排队中（等待客服）',
    );
    const authors = await alice.locator('#transcript .entry-author').allTextContents();
    expect(authors.slice(0, 2)).toEqual(['商户', '智能助手']);
    expect(await entries(alice).filter({ hasText: 'N5W1234567' }).first().getAttribute('class')).toContain(
      'entry--merchant',
    );
    expect(await alice.locator('#answers dd[data-field="sn"]').textContent()).toBe('N5W1234567');
    // Not theirs yet: nothing to send with.
    expect(await alice.locator('#send').isDisabled()).toBe(true);

    await alice.locator('#claim').click();
    await expect
      .poll(() => alice.locator('#conversation-notice').textContent())
      .toBe('您已接手这个对话，商户已收到通知。');
    expect(await alice.locator('#conversation-meta').textContent()).toBe('网页聊天 · 中文 · 负责人：您');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('客服 alice 已接入');
    // Claimed: out of the queue, live.
    await expect.poll(() => alice.locator('.queue-item').count()).toBe(0);
  });

  it('a message typed in each page appears in the other, appended, as text', async () => {
    // Mark the entries on screen: new ones must be added, not the list redrawn.
    const shown = await entries(alice).count();
    await entries(alice).evaluateAll((items) => {
      for (const item of items) (item as HTMLElement & { mark?: boolean }).mark = true;
    });
    await merchantSays(MARKUP);
    await expect.poll(() => lastEntry(alice).locator('.entry-text').textContent()).toBe(MARKUP);
    expect(await lastEntry(alice).locator('.entry-author').textContent()).toBe('商户');
    expect(await alice.locator('#transcript img').count()).toBe(0);
    expect(await alice.evaluate(() => (window as { hacked?: number }).hacked)).toBeUndefined();
    const marks = await entries(alice).evaluateAll((items) =>
      items.map((item) => Boolean((item as HTMLElement & { mark?: boolean }).mark)),
    );
    expect(marks).toEqual([...Array(shown).fill(true), false]);
    expect(await alice.locator('#transcript').getAttribute('aria-live')).toBe('polite');

    await alice.locator('#reply-text').fill('您好，我是客服 alice，商户号请发我一下。');
    await alice.locator('#reply-text').press('Enter');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('您好，我是客服 alice，商户号请发我一下。');
    await expect.poll(() => lastEntry(alice).locator('.entry-author').textContent()).toBe('我（客服）');
    // Shown once, though it came back on the stream as well.
    expect(await entries(alice).filter({ hasText: '商户号请发我一下' }).count()).toBe(1);
    expect(await alice.locator('#reply-text').inputValue()).toBe('');
  });

  it("the agent fills a field: a refused value shows the server's reason, a good one is stored", async () => {
    await alice.locator('#field-name').selectOption('merchantNo');
    await alice.locator('#field-value').fill('12');
    await alice.locator('#field-save').click();
    await expect.poll(() => alice.locator('#field-error').textContent()).toContain('15');
    expect(await alice.locator('#field-value').inputValue()).toBe('12');
    await alice.locator('#field-value').fill('102100012345678');
    await alice.locator('#field-save').click();
    await expect
      .poll(() => alice.locator('#answers dd[data-field="merchantNo"]').textContent())
      .toBe('102100012345678');
    expect(await alice.locator('#field-error').isHidden()).toBe(true);
    expect(await alice.locator('#conversation-notice').textContent()).toBe('已保存：商户号。');
  });

  it('a second agent, agent only and on a phone, opens it by id and is told who has it', async () => {
    await signIn(bob, BOB);
    await bob.locator('#agent-desk').waitFor();
    expect(await bob.locator('#tabs').isHidden()).toBe(true);
    expect(await bob.locator('#signed-in-as').textContent()).toBe('当前客服：bob');
    await bob.locator('#open-id').fill(conversationId);
    await bob.locator('#open-channel').selectOption('webchat');
    await bob.getByRole('button', { name: '打开对话' }).click();
    await expect.poll(() => bob.locator('#conversation-meta').textContent()).toBe('网页聊天 · 负责人：客服 alice');
    await bob.locator('#claim').click();
    await expect
      .poll(() => bob.locator('#conversation-notice').textContent())
      .toBe('已由 alice 接手，您无法操作这个对话。');
    expect(await bob.locator('#send').isDisabled()).toBe(true);
    // Alice's reply reached Bob's open view live as well.
    expect(await entries(bob).filter({ hasText: '商户号请发我一下' }).count()).toBe(1);
    // Usable on a phone: nothing wider than the screen, every control at least 44 px high.
    expect(await bob.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const heights = await bob
      .locator('#agent-desk button:visible, #agent-desk input:visible, #agent-desk select:visible')
      .evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
    await bob.screenshot({ path: '/tmp/agent-workspace-phone.png', fullPage: true });
  });

  it('the agent hands back: the merchant is asked the pending question again', async () => {
    await alice.locator('#handback').click();
    await expect
      .poll(() => alice.locator('#conversation-meta').textContent())
      .toBe('网页聊天 · 中文 · 负责人：智能助手');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('这台设备现在的状态');
    const texts = await bubbles('bot').allTextContents();
    expect(texts.some((text) => text.includes('交回给智能助手'))).toBe(true);
    // The bot answers again.
    await merchantSays('1');
    await expect.poll(() => bubbles('bot').last().textContent()).toContain('原因');
    await alice.screenshot({ path: '/tmp/agent-workspace-laptop.png' });
  });

  it('call-back requests: the phone masked until asked for, closed once, by whom', async () => {
    const item = alice.locator(`.callback[data-id="${callbackId}"]`);
    await expect.poll(() => item.locator('.callback-detail').textContent()).toBe('商户要求人工 · 中文 · 微信公众号');
    expect(await item.locator('.phone-number').textContent()).toBe('138****5678');
    expect(await alice.locator('#callback-list').textContent()).not.toContain('13812345678');
    await item.getByRole('button', { name: '显示号码' }).click();
    expect(await item.locator('a.phone-number').getAttribute('href')).toBe('tel:13812345678');
    expect(await item.locator('.reveal-phone').getAttribute('aria-expanded')).toBe('true');
    await item.getByRole('button', { name: '已回电，关闭' }).click();
    await expect.poll(() => item.locator('.callback-closed').textContent()).toMatch(/^已由 alice 于 .+ 关闭$/);
    const [stored] = await server.assistant.desk.listCallbacks();
    expect(stored).toMatchObject({ id: callbackId, closedBy: 'agent:alice', closedAt: TEST_START.toISOString() });
  });

  it('after a dropped stream the page reconnects and reads the queue again', async () => {
    await relay.cut();
    await expect.poll(() => alice.locator('#live-status').textContent()).toBe('连接中断，正在重连…');
    // Queued while the agent's stream is down.
    const started = await fetch(`${server.url}/api/webchat/conversations`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const other = (await started.json()) as { conversationId: string; token: string };
    await fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ conversationId: other.conversationId, text: '人工' }),
    });
    // And the open conversation goes on meanwhile (the assistant answers again).
    await merchantSays('搬迁');
    await relay.restore();
    await expect.poll(() => alice.locator('#live-status').textContent(), { timeout: 15_000 }).toBe('实时更新中');
    await expect.poll(() => alice.locator('.queue-id').allTextContents()).toEqual([other.conversationId]);
    await expect
      .poll(() => alice.locator('#transcript .entry--merchant .entry-text').allTextContents())
      .toContain('搬迁');
    expect(await lastEntry(alice).locator('.entry-author').textContent()).toBe('智能助手');
  });

  it('speaks English when asked, every label from the catalog', async () => {
    await alice.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => alice.locator('#queue-title').textContent()).toBe('Waiting conversations');
    expect(await alice.locator('#tabs [role="tab"]').allTextContents()).toEqual(['Unbind tickets', 'Conversations']);
    expect(await alice.locator('.queue-item-detail').textContent()).toBe('Web chat · 中文 · Asked for a person');
    expect(await alice.locator('#conversation-meta').textContent()).toBe('Web chat · 中文 · Answered by the assistant');
    expect(await entries(alice).first().locator('.entry-author').textContent()).toBe('Merchant');
    expect(await alice.locator('.callback-closed').textContent()).toMatch(/^Closed by alice at /);
    // No catalog key left showing where a sentence should be.
    const text = (await alice.locator('#agent-desk').textContent()) ?? '';
    expect(text).not.toMatch(/\b(conversation|answers|callbacks|queue|live|author|owner|channel)\.[a-zA-Z]/);
    expect(problems).toEqual([]);
  });
});
