/**
 * Every operator-facing sentence of the desk integration exists in both languages: literal
 * `outbox:` keys in the code, and the keys built from error codes and decisions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISIONS } from '../../src/desk/support-desk.ts';
import { hasMessage, LOCALES_DIR } from '../../src/i18n/translate.ts';
import { LOCALES } from '../../src/validation/ticket.ts';

const ROOT = path.resolve(LOCALES_DIR, '..');
const ERROR_CODES = ['invalid_signature', 'outbox_item_not_found', 'outbox_item_not_parked'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('outbox messages', () => {
  it('every literal and derived key exists in zh-CN and en-US', () => {
    const files = [...sources(path.join(ROOT, 'src/desk')), path.join(ROOT, 'src/http/desk-webhook-routes.ts')];
    const literal = /['`]((?:outbox|unbind):[\w.]+)['`]/g;
    const keys = new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(literal)].map((m) => m[1]!)));
    expect(keys.size).toBeGreaterThan(8);
    for (const code of ERROR_CODES) keys.add(`outbox:error.${code}`);
    for (const decision of DECISIONS) keys.add(`outbox:zendesk.decided.${decision}`);
    for (const lng of LOCALES) for (const key of keys) expect(hasMessage(lng, key), `${lng} ${key}`).toBe(true);
  });
});
