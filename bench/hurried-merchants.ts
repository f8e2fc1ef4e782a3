/**
 * Ten hurried merchants try the web chat page in Chromium against the real server (`src/main.ts`
 * as a process, fresh SQLite data): each types their messages into the page one after another,
 * the way people write in WeChat. Prints every transcript as the page shows it, and what the desk
 * holds afterwards. A trial for people to read, not a test: `npm run try-merchants`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium, newPhoneContext } from '../test/e2e/browser.ts';
import { startServerProcess } from '../test/helpers/server-process.ts';

interface Merchant {
  who: string;
  locale: 'zh-CN' | 'en-US';
  messages: string[];
}

const MERCHANTS: Merchant[] = [
  {
    who: 'voice-to-text, everything at once',
    locale: 'zh-CN',
    messages: [
      '喂你好我想把我店里那个刷卡机解绑一下序列号是K8M2 7731 0094商户号102100098765432我电话13687654321',
      '同意',
      '坏了 屏幕都碎了',
      '店不开了 转让了也不是 就是不干了',
      '我叫刘强',
      '没邮箱',
      '没有未成年',
      '营业执照 https://pan.baidu.com/s/1xYz 提取码 8k2m',
      '正面https://img.example.com/f.jpg，反面https://img.example.com/b.jpg',
      'https://img.example.com/pos.jpg',
      '提交',
    ],
  },
  {
    who: 'typos and homophones',
    locale: 'zh-CN',
    messages: [
      '姐绑',
      '好',
      'n7q-2210-8831',
      '102100011122233',
      '正常的',
      '换了个新机器',
      '王 小 二',
      '1３９１２３４５６７８',
      '跳过',
      '不',
      'https://a.example.cn/yyzz.png',
      'https://a.example.cn/zm.png',
      'https://a.example.cn/fm.png',
      'https://a.example.cn/sb.png',
      '确认',
    ],
  },
  {
    who: 'non-native English',
    locale: 'en-US',
    messages: [
      'hello i want unbound my pos machine pls',
      'ok agree',
      'serial is KX77 2231 9090',
      'merchant no. 102100055566677',
      'machine is good no problem',
      'we move to other city',
      'my name is Chen Jie',
      '+86 138 0013 8000',
      'chenjie@example.com',
      'no minor',
      'licence https://docs.example.com/lic.pdf',
      'id front https://docs.example.com/f.jpg id back https://docs.example.com/b.jpg',
      'photo of machine https://docs.example.com/pos.jpg',
      'confirm',
    ],
  },
  {
    who: 'asks questions in the middle, then a reason in own words',
    locale: 'zh-CN',
    messages: [
      '解绑',
      '同意',
      'P3W9 8812 0071',
      '102100044455566',
      '审核要多久啊',
      '能用',
      '费率太高了不想用了',
      '可以',
      '赵丽',
      '13911112222',
      '跳过',
      '否',
      'https://x.example.com/1.jpg https://x.example.com/2.jpg https://x.example.com/3.jpg',
      'https://x.example.com/4.jpg',
      '确认提交',
    ],
  },
  {
    who: 'lost device',
    locale: 'zh-CN',
    messages: [
      '机器丢了要解绑',
      '嗯',
      '序列号不记得了 盒子上写着 M5T7 1122 3344',
      '102100077788899',
      '丢了',
      '搬店了',
      '孙悦 18612345678',
      '不用',
      '没有',
      'https://y.example.com/yyzz.jpg',
      'https://y.example.com/f.jpg',
      'https://y.example.com/b.jpg',
      '报案回执 https://y.example.com/police.jpg',
      '对',
    ],
  },
  {
    who: 'changes their mind, then cancels',
    locale: 'zh-CN',
    messages: ['我要解绑', '同意', 'H2K5 6677 8899', '算了不弄了', '确定', '还是办吧', '同意', '取消', '嗯'],
  },
  {
    who: 'asks something else first',
    locale: 'zh-CN',
    messages: [
      '小票打不出来咋整',
      '那新机器怎么绑定',
      '行吧 那我先把旧的解绑了',
      '同意',
      'A1B2C3D4E5',
      '102100012312312',
    ],
  },
  {
    who: 'status from a new chat (no ticket here)',
    locale: 'zh-CN',
    messages: ['我之前申请的解绑到哪了 UB-20261129-0001 尾号4321', '进度'],
  },
  {
    who: 'emoji and very short',
    locale: 'zh-CN',
    messages: [
      '解绑🙏',
      '✅',
      'Q9W8E7R6T5',
      '102100066677788',
      '坏',
      '其他原因，机器老死机懒得修了',
      '阿杰',
      '13700001111',
      '无',
      '没',
      'https://z.example.com/1.jpg',
      'https://z.example.com/2.jpg',
      'https://z.example.com/3.jpg',
      'https://z.example.com/4.jpg',
      '👌',
    ],
  },
  {
    who: 'English, wants a person',
    locale: 'en-US',
    messages: [
      'Hi, need to unbind the terminal, the owner is a minor, his mum will do it',
      'yes',
      'can i talk to a real person',
      'ok fine, serial Z1X2C3V4B5',
    ],
  },
];

const dataDir = mkdtempSync(path.join(tmpdir(), 'hurried-merchants-'));
// Ten merchants from one loopback address: the per-address limit would otherwise be the trial.
const server = await startServerProcess({
  DATA_DIR: dataDir,
  DESK_API_TOKEN: 'trial-desk-token-0123456789',
  LOG_LEVEL: 'warn',
  WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000',
});
const browser = await launchChromium();
try {
  for (const [index, merchant] of MERCHANTS.entries()) {
    const context = await newPhoneContext(browser, merchant.locale);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.app:not([aria-busy])').waitFor();
    for (const [sent, text] of merchant.messages.entries()) {
      await page.locator('#input').fill(text);
      await page.locator('#input').press('Enter');
      // The merchant's bubble is on screen and the last message is a finished reply from the bot.
      await page
        .waitForFunction(
          (count) => {
            const messages = [...document.querySelectorAll('.message')];
            const last = messages.at(-1);
            return (
              document.querySelectorAll('.message--merchant').length >= count &&
              last?.classList.contains('message--bot') === true &&
              !last.querySelector('.typing')
            );
          },
          sent + 1,
          { timeout: 10_000 },
        )
        .catch(() => console.log(`(no reply shown to ${JSON.stringify(text)} within 10 s)`));
    }
    const transcript = await page.locator('.message').evaluateAll((nodes) =>
      nodes.map((node) => {
        const who = node.classList.contains('message--merchant') ? 'merchant' : 'bot';
        const text = node.querySelector('.bubble:not(.typing)')?.textContent ?? '';
        return `${who === 'merchant' ? '>' : ' '} ${text.replace(/\n/g, '\n  ')}`;
      }),
    );
    console.log(`\n=== ${index + 1}. ${merchant.who} (${merchant.locale}) ===\n${transcript.join('\n')}`);
    await context.close();
  }
  const response = await fetch(`${server.url}/api/desk/tickets`, {
    headers: { authorization: 'Bearer trial-desk-token-0123456789' },
  });
  const { tickets } = (await response.json()) as { tickets: { id: string; status: string; fields: unknown }[] };
  console.log(`\n=== desk: ${tickets.length} tickets ===`);
  for (const ticket of tickets) console.log(ticket.id, ticket.status, JSON.stringify(ticket.fields));
} finally {
  await browser.close();
  await server.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
