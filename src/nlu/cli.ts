/**
 * Prints what the assistant understands of one message, as parse() returns it:
 *   npx tsx src/nlu/cli.ts "我要解绑 SN号N5W1234567 店关门了" [--locale en-US]
 */
import { createLanguageUnderstanding, type Locale, NLU_LOCALES } from './index.ts';

const args = process.argv.slice(2);
const localeFlag = args.findIndex((arg) => arg === '--locale' || arg.startsWith('--locale='));
let hint: string | undefined;
if (localeFlag >= 0) {
  const [flag] = args.splice(localeFlag, 1);
  hint = flag?.includes('=') ? flag.split('=')[1] : args.splice(localeFlag, 1)[0];
}
const text = args.join(' ');

if (!text || (hint !== undefined && !(NLU_LOCALES as readonly string[]).includes(hint))) {
  console.error(`usage: tsx src/nlu/cli.ts "message" [--locale ${NLU_LOCALES.join('|')}]`);
  process.exit(2);
}
console.log(JSON.stringify(createLanguageUnderstanding().parse(text, hint as Locale | undefined), null, 2));
