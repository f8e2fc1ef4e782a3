import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runConsoleChat } from '../../src/channels/console/console-chat.ts';
import { createFakeEvents, createFakeRouter } from '../helpers/fake-router.ts';

/** Runs the console over in-memory streams; the test types lines and reads what was printed. */
function startConsole(options: { locale?: 'zh-CN' | 'en-US' } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const router = createFakeRouter();
  const events = createFakeEvents();
  const errors: unknown[] = [];
  const finished = runConsoleChat({
    router,
    events,
    input,
    output,
    userId: 'console-alice',
    conversationId: 'console-alice',
    onError: (error) => errors.push(error),
    ...options,
  });
  const waitFor = async (pattern: string | RegExp) => {
    const matches = () => (typeof pattern === 'string' ? printed.includes(pattern) : pattern.test(printed));
    for (let i = 0; i < 200 && !matches(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(printed).toMatch(pattern);
  };
  return {
    input,
    router,
    events,
    errors,
    finished,
    waitFor,
    printed: () => printed,
    type: (line: string) => input.write(`${line}\n`),
  };
}

let running: ReturnType<typeof startConsole> | undefined;
afterEach(async () => {
  running?.input.end();
  await running?.finished;
  running = undefined;
});

describe('runConsoleChat', () => {
  it('greets with numbered start choices; typing a number sends that choice', async () => {
    running = startConsole();
    await running.waitFor('[1] 我要解绑');
    expect(running.printed()).toContain('[2] 查询解绑进度');
    running.type('1');
    await running.waitFor('解绑助手：好的');
    expect(running.router.received).toEqual([
      { channel: 'console', conversationId: 'console-alice', userId: 'console-alice', text: '我要解绑' },
    ]);
    // Multi-line replies stay readable, and the new suggested actions are the choices now.
    expect(running.printed()).toContain('好的，我们开始办理解绑。\n  请先阅读隐私说明。');
    await running.waitFor('[2] 不同意');
    running.type('2');
    await running.waitFor('收到：不同意');
  });

  it('sends typed text, and numbers outside the choices as typed', async () => {
    running = startConsole();
    running.type('  我的手机号是 13812345678 ');
    running.type('13812345678');
    running.type('9');
    await running.waitFor('收到：9');
    expect(running.router.received.map((m) => m.text)).toEqual(['我的手机号是 13812345678', '13812345678', '9']);
  });

  it('ignores empty lines', async () => {
    running = startConsole();
    running.type('');
    running.type('你好');
    await running.waitFor('收到：你好');
    expect(running.router.received).toHaveLength(1);
  });

  it('/quit ends the chat with a goodbye', async () => {
    running = startConsole();
    running.type('/quit');
    await running.finished;
    expect(running.printed()).toContain('再见！');
    expect(running.router.received).toEqual([]);
    expect(running.events.listenerCount({ channel: 'console', conversationId: 'console-alice' })).toBe(0);
  });

  it('the end of input (Ctrl-D) ends the chat too', async () => {
    running = startConsole();
    running.input.end();
    await running.finished;
    expect(running.printed()).toContain('再见！');
  });

  it('prints messages that arrive later', async () => {
    running = startConsole();
    await running.waitFor('[1]');
    running.events.emit(
      { channel: 'console', conversationId: 'console-alice' },
      { text: '您的解绑申请已通过审核。', suggestedActions: ['谢谢'] },
    );
    await running.waitFor('解绑助手：您的解绑申请已通过审核。');
    running.type('1');
    await running.waitFor('收到：谢谢');
  });

  it('a failing turn prints a polite line and the chat goes on', async () => {
    running = startConsole();
    running.type('boom');
    await running.waitFor('抱歉，消息没有发出去');
    expect(running.errors).toHaveLength(1);
    running.type('还在吗');
    await running.waitFor('收到：还在吗');
  });

  it('speaks English and passes the locale when asked to', async () => {
    running = startConsole({ locale: 'en-US' });
    await running.waitFor('[1] Unbind my terminal');
    running.type('1');
    await running.waitFor('Assistant: ');
    expect(running.router.received[0]).toMatchObject({ text: 'Unbind my terminal', locale: 'en-US' });
    running.type('/quit');
    await running.finished;
    expect(running.printed()).toContain('Goodbye!');
  });
});
