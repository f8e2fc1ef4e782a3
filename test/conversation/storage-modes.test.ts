import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HAPPY_PATH_ZH, openTestChat, type TestChat } from '../helpers/test-assistant.ts';

const SERVERS = [
  ['Redis', 'redis://127.0.0.1:6379'],
  ['PostgreSQL', 'postgres://postgres@127.0.0.1:5432/test'],
] as const;

describe.each(SERVERS)('a whole request with state in %s', (_name, storageUrl) => {
  let chat: TestChat;
  let namespace: string;
  afterEach(async () => {
    // Leave nothing behind in the shared server.
    const store = chat.assistant.store;
    await Promise.all((await store.keys('')).map((key) => store.delete(key)));
    await chat.close();
  });

  it('files exactly one ticket and keeps the conversation across assistants', async () => {
    namespace = `test-${randomUUID()}`;
    chat = await openTestChat({ storageUrl, storageNamespace: namespace });
    for (const text of HAPPY_PATH_ZH.slice(0, 8)) await chat.say(text);
    // A second instance on the same storage continues the same conversation.
    const other = await openTestChat({ storageUrl, storageNamespace: namespace });
    try {
      for (const text of HAPPY_PATH_ZH.slice(8)) await other.say(text);
      const replies = await Promise.all([
        other.say('确认提交', { messageId: 'c1' }),
        chat.say('确认提交', { messageId: 'c1' }),
      ]);
      // Either instance may win the race; the loser answers with the winner's ticket.
      const told = replies
        .flat()
        .map((r) => r.text)
        .join('\n');
      expect(new Set(told.match(/UB-20261125-\d{4}/g)).size).toBe(1);
      expect(await chat.assistant.desk.listTickets({})).toHaveLength(1);
    } finally {
      await other.assistant.close();
    }
  });
});
