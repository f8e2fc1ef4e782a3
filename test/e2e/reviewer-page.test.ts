/**
 * The reviewer's page (/desk/) in real headless Chromium, against the HTTP app over the real
 * built-in desk: sign in with one's own staff token, filter, read a ticket, and make each
 * decision; the history names whoever the token belongs to, whatever headers the request carries.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSha256, writeStaffFile } from '../../src/staff/staff-file.ts';
import { sampleRequest } from '../helpers/fake-router.ts';
import { DESK_TOKEN, startTestServer, type TestServer } from '../http/http-test-server.ts';
import { launchChromium } from './browser.ts';

const MARKUP = '<img src=x onerror="window.hacked=1">店铺转给亲戚经营';
const ids = { approved: '', changes: '', markup: '', reject: '', conflict: '' };
let browser: Browser;
let server: TestServer;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];
const WANG_TOKEN = 'wang-reviewer-token-0123456789';
const ZHANG_TOKEN = 'zhang-reviewer-token-0123456789';

beforeAll(async () => {
  browser = await launchChromium();
  // Two reviewers, each with a token of their own, in a staff file as `npm run staff` writes it.
  const staffFile = path.join(mkdtempSync(path.join(tmpdir(), 'desk-page-staff-')), 'staff.json');
  writeStaffFile(staffFile, {
    staff: [
      { name: '王审核', roles: ['reviewer'], tokenSha256: tokenSha256(WANG_TOKEN) },
      { name: '张三', roles: ['reviewer', 'agent'], tokenSha256: tokenSha256(ZHANG_TOKEN) },
    ],
  });
  server = await startTestServer({
    env: { STAFF_FILE: staffFile },
    seed: async (desk, clock) => {
      const documents = sampleRequest().fields.documents;
      const file = async (conv: string, fields: NonNullable<Parameters<typeof sampleRequest>[0]>['fields'] = {}) => {
        clock.advance(10 * 60_000);
        return (await desk.fileTicket(sampleRequest({ conversationId: conv, userId: conv, fields }), conv)).id;
      };
      // A lost device: a loss report in place of the device photo.
      const { devicePhoto: _photo, ...lostDocuments } = documents;
      ids.approved = await file('conv-a', {
        deviceCondition: 'lost',
        documents: { ...lostDocuments, lossReport: 'https://files.example.com/police-report.pdf' },
      });
      await desk.decide(ids.approved, { decision: 'approve' }, 'reviewer:seed');
      ids.changes = await file('conv-b', {
        reason: 'legal_rep_change',
        merchantNo: '102100012345678',
        documents: { ...documents, newLegalRepId: 'https://files.example.com/new-rep.jpg' },
      });
      ids.markup = await file('conv-c', { reason: 'other', reasonDetail: MARKUP, email: 'li@example.com' });
      ids.reject = await file('conv-d', { reason: 'device_replacement', deviceCondition: 'faulty' });
      ids.conflict = await file('conv-e');
    },
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  // The browser logs each refused request; the wrong token (401) and the race (409) are meant to happen.
  const expected = /status of (401|409)/;
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.test(message.text())) problems.push(message.text());
  });
  await page.goto(`${server.url}/desk/`);
  await page.locator('.desk:not([aria-busy])').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const rows = () => page.locator('#ticket-rows tr');
const rowIds = () => page.locator('#ticket-rows tr .ticket-link').allTextContents();
const field = (name: string) => page.locator(`#ticket .field[data-field="${name}"]`);
const ticketStatus = () => page.locator('#ticket .ticket-title .status').textContent();
const notice = () => page.locator('#ticket .notice').textContent();
const submit = () => page.locator('.decision button[type="submit"]');

async function openTicket(id: string) {
  await rows().filter({ hasText: id }).locator('td').nth(3).click();
  await expect.poll(() => page.locator('#ticket h2').textContent()).toBe(id);
}

async function expectStored(id: string, status: string) {
  await expect.poll(async () => (await server.desk.getTicket(id))?.status).toBe(status);
}

describe('reviewer page', () => {
  it("asks for the reviewer's own token only; a wrong one gets a clear message, theirs opens the list", async () => {
    expect(await page.title()).toBe('解绑工单审核台');
    expect(await page.locator('#workspace').isHidden()).toBe(true);
    // The token is the whole sign-in: there is no name to type, so no name to make up.
    expect(await page.locator('#sign-in-form input').count()).toBe(1);
    await page.locator('#sign-in-submit').click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toBe('请输入您的员工令牌。');
    await page.locator('#token').fill(`${WANG_TOKEN.slice(0, -1)}x`);
    await page.locator('#sign-in-submit').click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('令牌不正确');
    await page.locator('#token').fill(WANG_TOKEN);
    await page.locator('#sign-in-submit').click();
    await page.locator('#workspace').waitFor();
    expect(await page.locator('#signed-in-as').textContent()).toBe('当前审核人：王审核');
    expect(await page.evaluate(() => sessionStorage.getItem('desk.token'))).toBe(WANG_TOKEN);
  });

  it('lists tickets newest first with time, merchant number, reason and status', async () => {
    await expect.poll(rowIds).toEqual([ids.conflict, ids.reject, ids.markup, ids.changes, ids.approved]);
    const cells = await rows().filter({ hasText: ids.changes }).locator('td').allTextContents();
    expect(cells).toEqual([ids.changes, '2026/11/25 16:20', '102100012345678', '变更法定代表人', '已提交']);
    await page.screenshot({ path: '/tmp/desk-list.png' });
  });

  it('filters by status, with a count for each', async () => {
    const filters = await page.locator('.filter').allTextContents();
    expect(filters).toEqual(['全部5', '已提交4', '审核中0', '待补充资料0', '已通过1', '已驳回0', '已完成0', '已撤回0']);
    await page.locator('.filter[data-status="approved"]').click();
    await expect.poll(rowIds).toEqual([ids.approved]);
    await page.locator('.filter[data-status="rejected"]').click();
    await expect.poll(() => page.locator('#list-empty').isVisible()).toBe(true);
    await page.locator('.filter[data-status="all"]').click();
    await expect.poll(() => rows().count()).toBe(5);
  });

  it('shows every field labelled, documents as safe links, and markup as text', async () => {
    await openTicket(ids.markup);
    expect(await field('sn').textContent()).toBe('设备序列号N5W1234567');
    expect(await field('deviceCondition').locator('dd').textContent()).toBe('正常使用');
    expect(await field('reason').locator('dd').textContent()).toBe('其他原因');
    expect(await field('reasonDetail').locator('dd').textContent()).toBe(MARKUP);
    expect(await field('involvesMinor').locator('dd').textContent()).toBe('否');
    // No minor involved: the guardian's ID does not apply, so it is not listed.
    expect(await field('guardianId').count()).toBe(0);
    const licence = field('businessLicense').locator('a');
    expect(await licence.getAttribute('href')).toBe('https://files.example.com/licence.jpg');
    expect(await licence.getAttribute('target')).toBe('_blank');
    expect(await licence.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.locator('#ticket img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { hacked?: number }).hacked)).toBeUndefined();
    expect(await page.locator('.history tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/2026\/11\/25 16:30\s+商户\s+已提交/),
    ]);
  });

  it('a lost device: the loss report is listed in place of the device photo, and the page says why', async () => {
    await openTicket(ids.approved);
    expect(await field('deviceCondition').locator('dd').textContent()).toBe('丢失或被盗');
    expect(await page.locator('#ticket .lost-device').textContent()).toBe(
      '设备已报丢失或被盗：以报警回执或遗失声明代替设备照片。',
    );
    expect(await field('lossReport').locator('dt').textContent()).toBe('报警回执或遗失声明');
    expect(await field('lossReport').locator('a').getAttribute('href')).toBe(
      'https://files.example.com/police-report.pdf',
    );
    expect(await field('devicePhoto').count()).toBe(0);
    await openTicket(ids.markup);
    expect(await field('devicePhoto').locator('a').getAttribute('href')).toBe('https://files.example.com/device.jpg');
    expect(await field('lossReport').count()).toBe(0);
    expect(await page.locator('#ticket .lost-device').count()).toBe(0);
  });

  it('requests changes to two fields with a note; the status and history show it', async () => {
    await openTicket(ids.changes);
    expect(await field('newLegalRepId').locator('a').getAttribute('href')).toBe(
      'https://files.example.com/new-rep.jpg',
    );
    await page.getByLabel('要求补充资料').check();
    await page.getByRole('checkbox', { name: '手机号' }).check();
    await page.getByRole('checkbox', { name: '营业执照' }).check();
    await submit().click();
    await expect.poll(() => page.locator('.decision .error').textContent()).toBe('请填写说明，让商户知道原因。');
    await page.locator('#decision-note').fill('营业执照照片不清晰，请重新上传；手机号无法接通。');
    expect(await page.locator('.decision .error').isHidden()).toBe(true);
    // Tall enough to show the whole ticket: on a desktop the ticket pane scrolls by itself.
    await page.setViewportSize({ width: 1440, height: 1900 });
    await page.screenshot({ path: '/tmp/desk-ticket.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await submit().click();
    await expect.poll(ticketStatus).toBe('待补充资料');
    expect(await notice()).toBe(`已要求工单 ${ids.changes} 补充资料，系统会在对话中请商户补充。`);
    const last = page.locator('.history tbody tr').last();
    await expect
      .poll(() => last.locator('td').allTextContents())
      .toEqual([
        '2026/11/25 16:50',
        '审核人 王审核',
        '待补充资料',
        '营业执照照片不清晰，请重新上传；手机号无法接通。',
        '手机号和营业执照',
      ]);
    await expect
      .poll(() => rows().filter({ hasText: ids.changes }).locator('.status').textContent())
      .toBe('待补充资料');
    expect(await page.locator('.not-decidable').textContent()).toBe('当前状态：待补充资料，目前无需处理。');
    const stored = await server.desk.getTicket(ids.changes);
    expect(stored?.history.at(-1)).toMatchObject({ by: 'reviewer:王审核', fields: ['phone', 'businessLicense'] });
    await page.locator('#ticket-pane').evaluate((pane) => pane.scrollTo(0, 0));
    await page.screenshot({ path: '/tmp/desk-decided.png' });
  });

  it('approves another ticket', async () => {
    await openTicket(ids.markup);
    await page.getByLabel('通过', { exact: true }).check();
    await submit().click();
    await expect.poll(ticketStatus).toBe('已通过');
    await expectStored(ids.markup, 'approved');
  });

  it('rejects a third ticket, which needs a note', async () => {
    await openTicket(ids.reject);
    await page.getByLabel('驳回', { exact: true }).check();
    expect(await submit().textContent()).toBe('驳回工单');
    await submit().click();
    await expect.poll(() => page.locator('.decision .error').isVisible()).toBe(true);
    await page.locator('#decision-note').fill('设备序列号与商户号不匹配。');
    await submit().click();
    await expect.poll(ticketStatus).toBe('已驳回');
    await expectStored(ids.reject, 'rejected');
    await expect.poll(() => page.locator('.filter[data-status="rejected"]').textContent()).toBe('已驳回1');
  });

  it('says politely when a colleague decided the ticket first (409)', async () => {
    await openTicket(ids.conflict);
    await server.desk.decide(ids.conflict, { decision: 'approve' }, 'reviewer:colleague');
    await page.getByLabel('驳回', { exact: true }).check();
    await page.locator('#decision-note').fill('资料不全');
    await submit().click();
    await expect.poll(notice).toContain('该工单已被处理');
    // The page reloads the ticket after the notice: wait for it rather than race it.
    await expect.poll(ticketStatus).toBe('已通过');
    await expectStored(ids.conflict, 'approved');
  });

  it('switches to English, labels and statuses included', async () => {
    await page.locator('[data-locale="en-US"]').click();
    await expect.poll(() => page.locator('#list-title').textContent()).toBe('Tickets');
    expect(await page.getAttribute('html', 'lang')).toBe('en-US');
    expect(await field('sn').locator('dt').textContent()).toBe('Serial number');
    expect(await ticketStatus()).toBe('Approved');
    expect(await page.locator('.history tbody tr').last().locator('td').nth(1).textContent()).toBe(
      'Reviewer colleague',
    );
  });

  it('stacks list and ticket on a tablet without sideways scrolling', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await openTicket(ids.changes);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.locator('.back').isVisible()).toBe(true);
    await page.screenshot({ path: '/tmp/desk-tablet.png', fullPage: true });
  });

  it('signs out, forgetting the token', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('desk.token'))).toBeNull();
    expect(problems).toEqual([]);
  });

  it('signed in as 张三, a decision is recorded as reviewer:张三 even when the request says X-Reviewer: mallory', async () => {
    const conversationId = 'conv-zhang';
    const { id } = await server.desk.fileTicket(
      sampleRequest({ conversationId, userId: conversationId }),
      conversationId,
    );
    await page.setExtraHTTPHeaders({ 'x-reviewer': 'mallory' });
    await page.locator('#token').fill(ZHANG_TOKEN);
    await page.locator('#sign-in-submit').click();
    await page.locator('#workspace').waitFor();
    expect(await page.locator('#signed-in-as').textContent()).toBe('Signed in as 张三');
    await openTicket(id);
    await page.getByLabel('Approve', { exact: true }).check();
    await submit().click();
    await expect.poll(ticketStatus).toBe('Approved');
    expect(await page.locator('.history tbody tr').last().locator('td').nth(1).textContent()).toBe('Reviewer 张三');
    const audit = await server.desk.listAudit({ ticketId: id });
    expect(audit.map((entry) => [entry.to, entry.by])).toEqual([
      ['submitted', `merchant:${conversationId}`],
      ['approved', 'reviewer:张三'],
    ]);
    await page.setExtraHTTPHeaders({});
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor();
    expect(await page.locator('#signed-in-as').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('the machine token signs in as desk-api, and what it decides is shown as the desk API', async () => {
    const conversationId = 'conv-machine';
    const { id } = await server.desk.fileTicket(
      sampleRequest({ conversationId, userId: conversationId }),
      conversationId,
    );
    const response = await fetch(`${server.url}/api/desk/tickets/${id}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DESK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(response.status).toBe(200);
    await page.locator('#token').fill(DESK_TOKEN);
    await page.locator('#sign-in-submit').click();
    await page.locator('#workspace').waitFor();
    expect(await page.locator('#signed-in-as').textContent()).toBe('Signed in with the desk API token (desk-api)');
    await openTicket(id);
    expect(await page.locator('.history tbody tr').last().locator('td').nth(1).textContent()).toBe(
      'Desk API (desk-api)',
    );
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor();
    expect(problems).toEqual([]);
  });
});
