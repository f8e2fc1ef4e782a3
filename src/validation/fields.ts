/**
 * Every field rule of the unbind request, in one place.
 *
 * Each schema takes what a merchant typed (string) and yields the normalised value, or
 * issues whose `message` is a stable error code (e.g. `phone.length`). The wording for each
 * code lives in `locales/*` under `errors.<code>`, so changing language never touches a rule.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';

/** Full-width digits, letters and punctuation to ASCII (１３８ → 138), trimmed. */
export function toHalfWidth(text: string): string {
  return text.normalize('NFKC').trim();
}

/** Spaces, dashes, dots and brackets people put inside numbers. */
const NUMBER_SEPARATORS = /[\s\-–—_.()（）]/g;

function fail(ctx: z.RefinementCtx, code: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: code });
  return z.NEVER;
}

/** Mainland mobile number: accepts +86 / 0086 / 86 prefixes, separators and full-width digits. */
export const phoneSchema = z.string().transform((raw, ctx) => {
  let digits = toHalfWidth(raw).replace(NUMBER_SEPARATORS, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (!/^\d*$/.test(digits)) return fail(ctx, 'phone.format');
  if (digits.length !== 11) return fail(ctx, 'phone.length');
  const parsed = parsePhoneNumberFromString(digits, 'CN');
  const type = parsed?.getType();
  if (!parsed?.isValid() || (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')) {
    return fail(ctx, 'phone.notMobile');
  }
  return digits;
});

export const emailSchema = z.string().transform((raw, ctx) => {
  const email = toHalfWidth(raw).toLowerCase();
  if (email.length > 254 || !z.email().safeParse(email).success) return fail(ctx, 'email.invalid');
  return email;
});

export const MAX_URL_LENGTH = 2048;

/**
 * A link as it appears in running text: it ends where a character a URL cannot hold unescaped
 * begins (spaces, Chinese, CJK and full-width punctuation, quotes, angle brackets), so
 * "https://…，谢谢" does not keep %EF%BC%8C. Trailing ASCII punctuation is trimmed by the reader.
 */
export const LINK_IN_TEXT = /https?:\/\/[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef<>"'`]+/giu;
export const LINK_TRAILING_PUNCTUATION = /[.,;:!?)\]}>'"]+$/;

/** A cloud drive's share code written after its link: "提取码: x7k2", "密码 ab12", "code: ab12". */
export const ACCESS_CODE_AFTER_LINK =
  /^\s*[,，(（]?\s*(?:提取码|提取碼|访问码|訪問碼|密码|密碼|取件码|access code|extraction code|password|passcode|code|pwd)\s*(?:是|为|:|：|=)?\s*([A-Za-z0-9]{4,8})(?![A-Za-z0-9])\s*[)）]?/iu;

/** How a link and its share code are stored together, for the reviewer to open and type. */
export const ACCESS_CODE_SEPARATOR = ' 提取码: ';

const NOT_IN_A_LINK = /[\s\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/**
 * A document link: an absolute https URL with a host, optionally followed by its cloud drive's
 * share code, stored as `<link> 提取码: <code>`.
 */
export const documentUrlSchema = z.string().transform((raw, ctx) => {
  let text = raw.trim();
  let accessCode: string | undefined;
  const link = /^\S+/.exec(text)?.[0] ?? '';
  const code = ACCESS_CODE_AFTER_LINK.exec(text.slice(link.length));
  if (link && code && code[0].length === text.length - link.length) {
    accessCode = code[1];
    text = link;
  }
  if (text.length > MAX_URL_LENGTH) return fail(ctx, 'url.tooLong');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(ctx, 'url.invalid');
  }
  if (url.protocol === 'http:') return fail(ctx, 'url.notHttps');
  if (url.protocol !== 'https:') return fail(ctx, 'url.scheme');
  // Characters a link cannot hold unescaped mean more than a link was written ("https://…，谢谢"):
  // URL() would percent-encode them into the link; refused here, the link alone is taken from the message.
  if (!url.hostname.includes('.') || NOT_IN_A_LINK.test(text) || url.username || url.password) {
    return fail(ctx, 'url.invalid');
  }
  return accessCode ? `${url.href}${ACCESS_CODE_SEPARATOR}${accessCode}` : url.href;
});

/**
 * A document the merchant uploaded (a photo or PDF kept by the document store), as a ticket holds
 * it: `document:<id>`, the id being the SHA-256 of the kept bytes and the kept type's extension.
 */
export const DOCUMENT_ID = /^[0-9a-f]{64}\.(?:jpg|png|webp|pdf)$/;
export const DOCUMENT_REFERENCE_PREFIX = 'document:';

export function isDocumentReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(DOCUMENT_REFERENCE_PREFIX);
}

/** A document slot's value: an uploaded document's reference, or a link as documentUrlSchema takes it. */
export const documentSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  if (text.startsWith(DOCUMENT_REFERENCE_PREFIX)) {
    const id = text.slice(DOCUMENT_REFERENCE_PREFIX.length);
    return DOCUMENT_ID.test(id) ? text : fail(ctx, 'url.invalid');
  }
  const link = documentUrlSchema.safeParse(text);
  if (link.success) return link.data;
  for (const issue of link.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  return z.NEVER;
});

/**
 * A group of a code as people space it out ("K7Q3 5820 1146", "N9P-5566-7788"): with a digit, or
 * capital letters as printed on a label. "serial is KX77…" holds words, not a code.
 */
const CODE_GROUP = /^(?:[A-Za-z]*\d[A-Za-z\d]*|[A-Z]+)$/;

/** Device serial number: 8–20 letters and digits, case-insensitive, stored upper-case. */
export const snSchema = z.string().transform((raw, ctx) => {
  const groups = toHalfWidth(raw)
    .split(/[\s\-–—_.]+/)
    .filter(Boolean);
  if (groups.length > 1 && !groups.every((group) => CODE_GROUP.test(group))) return fail(ctx, 'sn.chars');
  const sn = toHalfWidth(raw).replace(NUMBER_SEPARATORS, '').toUpperCase();
  if (!/^[A-Z0-9]*$/.test(sn)) return fail(ctx, 'sn.chars');
  if (sn.length < 8 || sn.length > 20) return fail(ctx, 'sn.length');
  return sn;
});

/** Merchant number (商户号): exactly 15 digits. */
export const merchantNoSchema = z.string().transform((raw, ctx) => {
  const digits = toHalfWidth(raw).replace(NUMBER_SEPARATORS, '');
  if (!/^\d*$/.test(digits)) return fail(ctx, 'merchantNo.digits');
  if (digits.length !== 15) return fail(ctx, 'merchantNo.length');
  return digits;
});

const LINK_LIKE = /(https?:|www\.|:\/\/|\.(com|cn|net|org)\b)/i;

/** What people say before their name ("我叫张伟", "my name is Ann"): not part of it. */
const NAME_INTRODUCTION =
  /^(?:我叫|我是|叫我|本人|我的名字(?:是|叫)?|名字(?:是|叫)|姓名(?:是)?|联系人(?:是)?|my name is|my name's|i am|i'm|this is|name is|name)\s*[:：]?\s*/i;

/** A person's name: 1–40 characters, no digits, no links. */
export const personNameSchema = z.string().transform((raw, ctx) => {
  const name = toHalfWidth(raw)
    .replace(/\s+/g, ' ')
    .replace(NAME_INTRODUCTION, '')
    .replace(/[\s.。!！~]+$/u, '');
  if (name.length === 0) return fail(ctx, 'name.empty');
  if ([...name].length > 40) return fail(ctx, 'name.tooLong');
  if (/\d/.test(name)) return fail(ctx, 'name.digits');
  if (LINK_LIKE.test(name)) return fail(ctx, 'name.link');
  return name;
});

/** Free text such as the "other" reason: 2–500 characters. */
export const freeTextSchema = z.string().transform((raw, ctx) => {
  // Kept as written: a merchant's Chinese punctuation is part of their words.
  const text = raw.trim().replace(/\s+/g, ' ');
  if ([...text].length < 2) return fail(ctx, 'text.tooShort');
  if ([...text].length > 500) return fail(ctx, 'text.tooLong');
  return text;
});

/** A ticket number as merchants copy it: `UB-20261125-0007`, any case, stray spaces. */
export const ticketIdSchema = z.string().transform((raw, ctx) => {
  // Spaces around the dashes are copying noise; a space inside a group ("…-0001 5678") is a second value.
  const id = toHalfWidth(raw)
    .replace(/\s*-\s*/g, '-')
    .toUpperCase();
  if (!/^UB-\d{8}-\d{4,}$/.test(id)) return fail(ctx, 'ticketId.format');
  return id;
});

/**
 * What a status lookup asks first: a ticket number, or the device's serial number (its most recent
 * request is meant). "UB-…" is read as a ticket number, anything else as an SN, each with its own
 * rule and error codes; an SN holds no dash once normalised, so the two never overlap.
 */
export const ticketIdOrSnSchema = z.string().transform((raw, ctx) => {
  const schema = /^\s*ub\s*-/i.test(toHalfWidth(raw)) ? ticketIdSchema : snSchema;
  const result = schema.safeParse(raw);
  if (!result.success) return fail(ctx, result.error.issues[0]?.message ?? 'invalid');
  return result.data;
});

/** Whether a value of ticketIdOrSnSchema is a ticket number (otherwise it is an SN). */
export function isTicketId(ticketIdOrSn: string): boolean {
  return ticketIdOrSn.startsWith('UB-');
}

/** The last four digits of a phone number, to prove a ticket is yours. */
export const phoneLast4Schema = z.string().transform((raw, ctx) => {
  const digits = toHalfWidth(raw).replace(NUMBER_SEPARATORS, '');
  if (!/^\d{4}$/.test(digits)) return fail(ctx, 'phoneLast4.format');
  return digits;
});

export const DEVICE_CONDITIONS = ['working', 'faulty', 'lost'] as const;
export const deviceConditionSchema = z.enum(DEVICE_CONDITIONS);
export type DeviceCondition = z.infer<typeof deviceConditionSchema>;

export const REASON_CODES = [
  'business_adjustment',
  'relocation_or_closure',
  'device_replacement',
  'legal_rep_change',
  'other',
] as const;
export const reasonSchema = z.enum(REASON_CODES);
export type ReasonCode = z.infer<typeof reasonSchema>;

/** The result of checking one answer: the normalised value, or the error code to explain. */
export type FieldCheck<T> = { ok: true; value: T } | { ok: false; code: string };

/** Runs a field schema and reduces zod's issues to the first error code. */
export function checkField<T>(schema: z.ZodType<T, string>, input: string): FieldCheck<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, code: result.error.issues[0]?.message ?? 'invalid' };
}
