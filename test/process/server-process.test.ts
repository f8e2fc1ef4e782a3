import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMainExpectingFailure, type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { HAPPY_PATH_ZH } from '../helpers/test-assistant.ts';

const text = (replies: { text: string }[]) => replies.map((r) => r.text).join('\n');
let dataDir: string;
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the server as a process', () => {
  it('a conversation survives a crash: same question, earlier answers kept', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-restart-'));
    server = await startServerProcess({ DATA_DIR: dataDir });
    for (const answer of HAPPY_PATH_ZH.slice(0, 7)) await server.send('restart-1', answer);
    await server.kill('SIGKILL');

    server = await startServerProcess({ DATA_DIR: dataDir });
    expect(text(await server.send('restart-1', '帮助'))).toContain('请留一个能联系到您的手机号');
    for (const answer of HAPPY_PATH_ZH.slice(7)) await server.send('restart-1', answer);
    const summary = text(await server.send('restart-1', '帮助'));
    expect(summary).toContain('设备序列号：N5W1234567');
    expect(summary).toContain('联系人：张三');
    expect(text(await server.send('restart-1', '确认提交'))).toMatch(/工单号：UB-\d{8}-0001/);
  });

  it('logs carry no phone number, email or document link', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-logs-'));
    server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'trace' });
    for (const answer of [...HAPPY_PATH_ZH.slice(0, 8), 'zhangsan@example.com', ...HAPPY_PATH_ZH.slice(9)]) {
      await server.send('logs-1', answer);
    }
    await server.send('logs-1', '确认提交');
    await server.kill('SIGTERM');
    const logs = server.output();
    expect(logs).toContain('"level"');
    for (const secret of ['13812345678', '1234 5678', 'zhangsan@example.com', 'pan.example.com']) {
      expect(logs).not.toContain(secret);
    }
  });

  it('prints a generated desk token on the start that generated it only, later where it is kept', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-token-'));
    // No DESK_API_TOKEN (an empty value counts as unset, whatever this machine's environment holds).
    const env = { DATA_DIR: dataDir, DESK_API_TOKEN: '' };
    server = await startServerProcess(env);
    const file = path.join(dataDir, 'desk-api-token');
    const token = readFileSync(file, 'utf8').trim();
    expect(server.output()).toContain(`Bearer ${token}`);
    expect(server.output()).toContain('shown only this once');
    await server.kill('SIGTERM');

    server = await startServerProcess(env);
    expect(server.output()).not.toContain(token);
    expect(server.output()).toContain(`kept in ${file}`);
    const desk = await fetch(`${server.url}/api/desk/tickets`, { headers: { authorization: `Bearer ${token}` } });
    expect(desk.status).toBe(200);
  });

  it('refuses to start on a bad setting and names it', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'unbind-config-'));
    const port = await runMainExpectingFailure({ DATA_DIR: dataDir, PORT: 'eighty' });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('PORT');
    const storage = await runMainExpectingFailure({ DATA_DIR: dataDir, STORAGE_URL: 'mysql://localhost/x' });
    expect(storage.stderr).toContain('STORAGE_URL');
    const token = await runMainExpectingFailure({ DATA_DIR: dataDir, DESK_API_TOKEN: 'short' });
    expect(token.stderr).toContain('DESK_API_TOKEN');
  });
});
