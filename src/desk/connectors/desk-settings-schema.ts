/**
 * Environment variables of the desk integration, as zod rules for the configuration schema
 * (`z.object({ ...existing, ...deskSettingsShape })`), plus the checks that span several of them.
 */
import { z } from 'zod';
import { localeSchema } from '../../validation/ticket.ts';
import { ZENDESK_CUSTOM_FIELD_SOURCES, type ZendeskCustomFieldIds } from './zendesk-ticket.ts';

/** `secret` or `new,old` (rotation); each 16+ characters. */
export const secretListSchema = z.string().transform((raw, ctx) => {
  const secrets = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0 || secrets.some((s) => s.length < 16)) {
    ctx.addIssue({ code: 'custom', message: 'expected one or more comma-separated secrets of 16+ characters' });
    return z.NEVER;
  }
  return secrets;
});

/** `sn=360001,merchantNo=360002`: which Zendesk custom field receives which ticket value. */
export const zendeskCustomFieldsSchema = z.string().transform((raw, ctx): ZendeskCustomFieldIds => {
  const ids: ZendeskCustomFieldIds = {};
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', id = ''] = pair.split('=').map((s) => s.trim());
    if (!(ZENDESK_CUSTOM_FIELD_SOURCES as readonly string[]).includes(name) || !/^\d{1,19}$/.test(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected name=id pairs, names from: ${ZENDESK_CUSTOM_FIELD_SOURCES.join(', ')}`,
      });
      return z.NEVER;
    }
    ids[name as keyof ZendeskCustomFieldIds] = Number(id);
  }
  return ids;
});

const httpUrl = z.url({ protocol: /^https?$/ });
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const deskSettingsShape = {
  /** Generic webhook receiver of ticket events. */
  DESK_WEBHOOK_URL: httpUrl.optional(),
  /** Signs outgoing webhook events; verifies POST /api/desk/webhook. */
  DESK_WEBHOOK_SECRET: secretListSchema.optional(),
  /** Per request to the external desk, body included. */
  DESK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** e.g. https://acme.zendesk.com */
  ZENDESK_BASE_URL: httpUrl.optional(),
  ZENDESK_EMAIL: z.email().optional(),
  ZENDESK_API_TOKEN: z.string().min(1).optional(),
  /** Verifies POST /api/desk/zendesk/webhook. */
  ZENDESK_WEBHOOK_SECRET: secretListSchema.optional(),
  ZENDESK_CUSTOM_FIELDS: zendeskCustomFieldsSchema.optional(),
  /** Language of the notes Zendesk agents read. */
  ZENDESK_LOCALE: localeSchema.default('zh-CN'),
  OUTBOX_MAX_ATTEMPTS: int(1, 100).default(12),
  OUTBOX_BASE_DELAY_MS: int(10, 600_000).default(2_000),
  OUTBOX_MAX_DELAY_MS: int(100, 86_400_000).default(600_000),
};

export type DeskSettings = z.output<z.ZodObject<typeof deskSettingsShape>>;

/** Problems no single variable shows, in the `NAME: message` form loadConfig reports. */
export function deskSettingsIssues(settings: Partial<DeskSettings>): string[] {
  const issues: string[] = [];
  if (settings.ZENDESK_BASE_URL && !(settings.ZENDESK_EMAIL && settings.ZENDESK_API_TOKEN)) {
    issues.push('ZENDESK_BASE_URL: also set ZENDESK_EMAIL and ZENDESK_API_TOKEN');
  }
  if (settings.DESK_WEBHOOK_URL && !settings.DESK_WEBHOOK_SECRET) {
    issues.push('DESK_WEBHOOK_URL: also set DESK_WEBHOOK_SECRET (events are always signed)');
  }
  if (settings.DESK_WEBHOOK_URL && settings.ZENDESK_BASE_URL) {
    issues.push('DESK_WEBHOOK_URL: set either DESK_WEBHOOK_URL or ZENDESK_BASE_URL, not both');
  }
  if ((settings.OUTBOX_MAX_DELAY_MS ?? Infinity) < (settings.OUTBOX_BASE_DELAY_MS ?? 0)) {
    issues.push('OUTBOX_MAX_DELAY_MS: must not be below OUTBOX_BASE_DELAY_MS');
  }
  return issues;
}
