import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealServer, startRealServer } from '../helpers/real-server.ts';

let server: RealServer;

beforeAll(async () => {
  server = await startRealServer();
});
afterAll(async () => {
  await server?.close();
});

const parse = (body: unknown) =>
  fetch(`${server.url}/api/nlu/parse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /api/nlu/parse', () => {
  it('returns intent, normalised entities and the language', async () => {
    const response = await parse({ text: '我要解绑 SN号N5W1234567 店关门了 电话１３８ 1234 5678' });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.intent.name).toBe('unbind');
    expect(result.intent.confidence).toBeGreaterThan(0.6);
    expect(result.locale).toBe('zh-CN');
    expect(result.entities).toEqual(
      expect.arrayContaining([
        { type: 'sn', value: 'N5W1234567', text: 'N5W1234567' },
        { type: 'phone', value: '13812345678', text: '１３８ 1234 5678' },
        expect.objectContaining({ type: 'reason', value: 'relocation_or_closure' }),
      ]),
    );
  });

  it('415 for a body that is not application/json', async () => {
    const response = await fetch(`${server.url}/api/nlu/parse`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ text: '我要解绑' }),
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('refuses a bad body politely', async () => {
    const response = await parse({ text: '' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_body');
    expect((await parse({ text: 'hi', locale: 'fr-FR' })).status).toBe(400);
  });

  it('npm run nlu prints the same JSON', async () => {
    const text = 'I want a real person!!!';
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/nlu/cli.ts', text], {
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    });
    expect(JSON.parse(stdout)).toEqual(await (await parse({ text })).json());
  });
});
