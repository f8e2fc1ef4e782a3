/**
 * Chat with the assistant in a terminal: the merchant's lines go to the conversation router,
 * the bot's replies are printed, and its suggested actions become numbered choices.
 * `npm run chat` runs this file, which then wires it to the real assistant (start-console.ts).
 */
import { realpathSync } from 'node:fs';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { ConversationEvents, ConversationRouter, OutboundReply } from '../../conversation/messages.ts';
import { DEFAULT_LOCALE, t } from '../../i18n/translate.ts';
import type { Locale } from '../../validation/ticket.ts';
import { CONSOLE_CHANNEL } from './console-channel.ts';

export interface ConsoleChatOptions {
  router: ConversationRouter;
  /** Messages that arrive later (agent replies, desk decisions) are printed as they come. */
  events?: ConversationEvents;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  userId: string;
  conversationId: string;
  /** An explicit language choice: the console's own strings and a hint to the bot. */
  locale?: Locale;
  /** Told about a turn that failed (the merchant just sees a polite line). */
  onError?: (error: unknown) => void;
}

const QUIT_COMMANDS = new Set(['/quit', '/exit']);

export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const { router, events, input, output, userId, conversationId, locale } = options;
  const uiLocale = locale ?? DEFAULT_LOCALE;
  const say = (key: string) => t(uiLocale, `console:${key}`);
  const terminal = (output as { isTTY?: boolean }).isTTY === true;
  const rl = readline.createInterface({ input, output, terminal, prompt: say('prompt') });

  /** What typing `1`, `2`, … sends: the latest bot message's suggested actions. */
  let choices: string[] = t(uiLocale, 'console:startActions', { returnObjects: true }) as unknown as string[];

  // Piped input (a script of lines) needs no prompts between the answers.
  const prompt = (preserveCursor?: boolean) => {
    if (terminal) rl.prompt(preserveCursor);
  };
  const print = (text: string) => {
    // Something arriving while the merchant types: clear the prompt line, print, redraw it.
    if (terminal) {
      readline.clearLine(output, 0);
      readline.cursorTo(output, 0);
    }
    output.write(`${text}\n`);
  };
  /** The bot's text may already number the options ("1. 正常使用"); then listing them again is noise. */
  const alreadyNumbered = (text: string, actions: string[]) =>
    actions.every((action, i) => text.split('\n').includes(`${i + 1}. ${action}`));
  const printChoices = (listed: boolean) => {
    if (choices.length === 0) return;
    if (!listed) print(choices.map((choice, i) => `  [${i + 1}] ${choice}`).join('\n'));
    print(`  ${say('choiceHint')}`);
  };
  const printReplies = (replies: OutboundReply[]) => {
    choices = [];
    let listed = false;
    for (const reply of replies) {
      print(`${say('botPrefix')}${reply.text.split('\n').join('\n  ')}`);
      if (reply.suggestedActions?.length) {
        choices = reply.suggestedActions;
        listed = alreadyNumbered(reply.text, choices);
      }
    }
    printChoices(listed);
    print('');
  };

  print(say('welcome'));
  printChoices(false);
  print('');
  const unsubscribe = events?.subscribe({ channel: CONSOLE_CHANNEL, conversationId }, (reply) => {
    printReplies([reply]);
    prompt(true);
  });
  // Ctrl-C leaves like Ctrl-D instead of pausing input with no way out.
  rl.on('SIGINT', () => rl.close());

  try {
    prompt();
    for await (const line of rl) {
      const typed = line.trim();
      if (QUIT_COMMANDS.has(typed.toLowerCase())) break;
      if (typed !== '') {
        // A number picks a choice; anything else (a phone or merchant number too) is sent as typed.
        const chosen = /^\d{1,2}$/.test(typed) ? choices[Number(typed) - 1] : undefined;
        try {
          const replies = await router.handle({
            channel: CONSOLE_CHANNEL,
            conversationId,
            userId,
            text: chosen ?? typed,
            ...(locale ? { locale } : {}),
          });
          printReplies(replies);
        } catch (error) {
          print(`${say('error')}\n`);
          options.onError?.(error);
        }
      }
      prompt();
    }
  } finally {
    unsubscribe?.();
    print(say('goodbye'));
    rl.close();
  }
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  // Loaded only here, so tests of runConsoleChat do not load the whole assistant. Not a
  // top-level await: start-console.ts imports this module back, and awaiting here would deadlock.
  void import('./start-console.ts')
    .then(({ startConsoleChat }) => startConsoleChat(process.argv.slice(2)))
    .then((exitCode) => {
      process.exitCode = exitCode;
    });
}
