/**
 * Runs the real server (`src/main.ts`) as a child process, the way `npm start` does, and talks
 * to it over HTTP: for tests of restarts, start-up errors and what reaches the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { OutboundReply } from '../../src/conversation/messages.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A web chat conversation as the page holds it. */
export interface WebchatConversation {
  conversationId: string;
  token: string;
}

export interface ServerProcess {
  url: string;
  output: () => string;
  /**
   * Sends `text` in the web chat conversation a test calls `name`: started through the API on
   * first use, then remembered (across restarts on the same storage) with its token.
   */
  send(name: string, text: string): Promise<OutboundReply[]>;
  /** The conversation `name` stands for (after a first `send`). */
  conversation(name: string): WebchatConversation;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Conversations by storage and name: a restarted server on the same data continues them. */
const conversations = new Map<string, WebchatConversation>();

function spawnMain(env: Record<string, string>): { child: ChildProcess; output: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // LC_ALL: the start-up banner in English, whatever the machine's language, for the tests to read.
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', HOST: '127.0.0.1', PORT: '0', LC_ALL: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { child, output: () => out, stderr: () => err };
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { child, output } = spawnMain(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 20_000);
    const check = () => {
      const match = /Web chat:\s+(http:\/\/\S+?)\/\s/.exec(output());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output()}`)));
  });
  const storage = env.STORAGE_URL ?? path.resolve(env.DATA_DIR ?? './data');
  const post = async (route: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/api/webchat/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const conversation = (name: string) => {
    const known = conversations.get(`${storage} ${name}`);
    if (!known) throw new Error(`no conversation ${name} yet: send in it first`);
    return known;
  };
  return {
    url,
    output,
    conversation,
    async send(name, text) {
      const key = `${storage} ${name}`;
      if (!conversations.has(key)) conversations.set(key, (await post('conversations', {})) as WebchatConversation);
      const { conversationId, token } = conversation(name);
      const answer = (await post('messages', { conversationId, text }, { authorization: `Bearer ${token}` })) as {
        replies: OutboundReply[];
      };
      return answer.replies;
    },
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Runs main expecting it to refuse to start; returns its exit code and error output. */
export function runMainExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const { child, stderr } = spawnMain(env);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr: stderr() })));
}
