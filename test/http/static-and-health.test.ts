import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('health and static files', () => {
  it('GET /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves the chat page at / with a strict content security policy', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(response.headers.get('x-powered-by')).toBeNull();
    const html = await response.text();
    expect(html).toContain('/webchat.js');
    expect(html).toContain('/webchat.css');
  });

  it.each(['/webchat.js', '/webchat.css'])('serves %s', async (path) => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(200);
  });

  it('serves the page catalog for each locale', async () => {
    const zh = (await (await fetch(`${server.url}/locales/zh-CN/webchat.json`)).json()) as Record<string, unknown>;
    const en = (await (await fetch(`${server.url}/locales/en-US/webchat.json`)).json()) as Record<string, unknown>;
    expect(zh.appName).toBe('店掌柜 POS 解绑助手');
    expect(en.appName).toBe('店掌柜 POS Unbind Assistant');
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it.each([
    '/locales/fr-FR/webchat.json',
    '/locales/zh-CN/http.json',
    '/locales/zh-CN/common.json',
    '/locales/..%2F..%2Fpackage.json/webchat.json',
    '/api/webchat/unknown',
  ])('404 JSON for %s', async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});
