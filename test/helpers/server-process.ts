/**
 * Runs the real server (`src/main.ts`) as a child process, the way `npm start` does, and talks
 * to it over HTTP: for tests of restarts, start-up errors and what reaches the logs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { OutboundReply } from '../../src/conversation/messages.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  output: () => string;
  send(conversationId: string, text: string): Promise<OutboundReply[]>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

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
  return {
    url,
    output,
    async send(conversationId, text) {
      const response = await fetch(`${url}/api/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId, text }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { replies: OutboundReply[] }).replies;
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
