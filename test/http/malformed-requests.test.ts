/**
 * Requests a hostile probe sends: they get a 4xx in the usual error shape, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_TOKEN, startTestServer, type TestServer } from './http-test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('a malformed % escape in a path', () => {
  it.each([
    '/api/desk/tickets/%E0%A4%A',
    '/api/desk/tickets/%ZZ/decision',
    '/locales/%E0%A4%A/webchat.json',
    '/api/webchat/conversations/%E0%A4%A/events',
  ])('%s answers 400 invalid_path, in the reader language', async (path) => {
    const response = await fetch(`${server.url}${path}`, {
      method: path.endsWith('/decision') ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${DESK_TOKEN}`, 'accept-language': 'en' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_path');
    expect(body.error.message).toMatch(/check the link/);
    expect(server.logs().filter((line) => line.code === 'http.unhandled')).toEqual([]);
  });
});
