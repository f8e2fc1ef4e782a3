/**
 * Data checks: both languages have the same messages, and every message the code or the forms
 * refer to exists, so a merchant never sees a raw key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANCEL_CONFIRMATION_FORM, WITHDRAW_CONFIRMATION_FORM } from '../../dialogs/confirmations.ts';
import { STATUS_LOOKUP_FORM } from '../../dialogs/status-lookup-form.ts';
import { UNBIND_FORM } from '../../dialogs/unbind-form.ts';
import type { FormDefinition } from '../../src/engine/form-definition.ts';
import { hasMessage, LOCALES_DIR, readCatalogs } from '../../src/i18n/translate.ts';
import { LOCALES } from '../../src/validation/ticket.ts';

function flatKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => flatKeys(inner, prefix ? `${prefix}.${key}` : key));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

describe('message catalogs', () => {
  const catalogs = readCatalogs();

  it('zh-CN and en-US have the same namespaces and keys', () => {
    const [zh, en] = LOCALES.map((lng) => catalogs[lng] ?? {});
    expect(Object.keys(zh ?? {}).sort()).toEqual(Object.keys(en ?? {}).sort());
    for (const ns of Object.keys(zh ?? {})) {
      expect(flatKeys(en?.[ns]).sort(), `namespace ${ns}`).toEqual(flatKeys(zh?.[ns]).sort());
    }
  });

  it('every catalog file is valid JSON with no empty message', () => {
    for (const lng of LOCALES) {
      for (const file of readdirSync(path.join(LOCALES_DIR, lng))) {
        const data = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, file), 'utf8'));
        for (const key of flatKeys(data)) expect(key, `${lng}/${file}`).not.toBe('');
      }
    }
  });

  it('every key the forms refer to exists in both languages', () => {
    for (const form of [UNBIND_FORM, STATUS_LOOKUP_FORM, CANCEL_CONFIRMATION_FORM, WITHDRAW_CONFIRMATION_FORM]) {
      checkFormKeys(form);
    }
  });

  function checkFormKeys(form: FormDefinition) {
    const keys = form.summary ? [form.summary.title, form.summary.confirmHint] : [];
    if (form.help) keys.push(form.help);
    for (const slot of form.slots) {
      keys.push(slot.prompt, slot.label);
      if (slot.kind === 'text') keys.push(slot.example);
      if (slot.kind === 'choice') keys.push(...slot.options.map((o) => o.label));
      if (slot.endsFormWhen) keys.push(slot.endsFormWhen.message);
      for (const value of ['lost', 'working', true, false]) {
        const notice = slot.noticeAfter?.(value);
        if (notice) keys.push(notice);
      }
    }
    for (const lng of LOCALES) for (const key of keys) expect(hasMessage(lng, key), `${lng} ${key}`).toBe(true);
  }

  it('every literal key in the code exists in both languages', () => {
    const files = [
      ...sourceFiles(path.resolve(LOCALES_DIR, '../src')),
      ...sourceFiles(path.resolve(LOCALES_DIR, '../dialogs')),
    ];
    const literal = /['`]((?:form|bot|unbind|validation|http|console|webchat|wechat|common):[\w.]+)['`]/g;
    const keys = new Set(files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(literal)].map((m) => m[1]!)));
    expect(keys.size).toBeGreaterThan(20);
    for (const lng of LOCALES) for (const key of keys) expect(hasMessage(lng, key), `${lng} ${key}`).toBe(true);
  });

  it('every validation error code has a message', () => {
    const codes = readFileSync(path.resolve(LOCALES_DIR, '../src/validation/fields.ts'), 'utf8').matchAll(
      /fail\(ctx, '([\w.]+)'\)/g,
    );
    for (const [, code] of codes)
      for (const lng of LOCALES) expect(hasMessage(lng, `validation:${code}`), code).toBe(true);
  });
});
