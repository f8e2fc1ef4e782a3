import { openTestChat } from './test/helpers/test-assistant.ts';
const lines = process.argv.slice(2);
const chat = await openTestChat();
for (const l of lines) { console.log('> ' + l); console.log((await chat.sayText(l)).replace(/^/gm, '  ')); }
const t = await chat.assistant.desk.listTickets({});
if (t.length) console.log(JSON.stringify(t.map(x => [x.status, x.fields]), null, 1));
await chat.close();
