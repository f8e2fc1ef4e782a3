/**
 * Entities in one message: phone, email, SN, merchant number, URL and unbind reason.
 *
 * The message is normalised (full-width → half-width, lower case, traditional → simplified) with
 * every position traced back, so `text` is always the span as written. Phone, email, SN and
 * merchant number are emitted only when their schema in validation/fields.ts accepts them, with
 * the schema's value. Spans never overlap: URLs and emails first, then merchant numbers after a
 * keyword, phones, bare 15-digit merchant numbers, SNs (which need a letter and a digit), so a
 * number is reported as one thing only.
 *
 * For status questions ("UB-20261129-0002 尾号1234", "SN K7Q358201146 last 4 1234"): ticket numbers
 * come first of all; the last four digits of a phone are taken after a keyword (尾号, 后四位,
 * last 4…), or as the one bare 4-digit group of a message that holds a ticket number or an SN.
 */
import type { z } from 'zod';
import {
  ACCESS_CODE_AFTER_LINK,
  ACCESS_CODE_SEPARATOR,
  checkField,
  emailSchema,
  LINK_IN_TEXT,
  LINK_TRAILING_PUNCTUATION,
  merchantNoSchema,
  phoneLast4Schema,
  phoneSchema,
  snSchema,
  ticketIdSchema,
  toHalfWidth,
} from '../validation/fields.ts';
import { type EntityKeywords, EXTRACTED_REASONS, loadEntityKeywords } from './data.ts';
import { type NormalizedText, normalizeWithOrigin, originalSpan } from './normalize.ts';
import type { Entity, EntityType } from './types.ts';

/** An entity with its [start, end) in the original text. */
export interface LocatedEntity extends Entity {
  start: number;
  end: number;
}

const ALNUM_BEFORE = '(?<![a-z0-9])';
const ALNUM_AFTER = '(?![a-z0-9])';
const EMAIL = new RegExp(`${ALNUM_BEFORE}[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}${ALNUM_AFTER}`, 'g');
const PHONE = new RegExp(`${ALNUM_BEFORE}(?:(?:\\+|00)?86[\\s-]*)?1[3-9]\\d(?:[\\s-]?\\d){8}${ALNUM_AFTER}`, 'g');
const FIFTEEN_DIGITS = new RegExp(`${ALNUM_BEFORE}\\d{15}${ALNUM_AFTER}`, 'g');
const SPACED_FIFTEEN_DIGITS = '(\\d(?:[\\s-]?\\d){14})(?!\\d)';
const SN = new RegExp(`${ALNUM_BEFORE}[a-z0-9]{8,20}${ALNUM_AFTER}`, 'g');
const TICKET_ID = new RegExp(`${ALNUM_BEFORE}ub\\s*-\\s*\\d{8}\\s*-\\s*\\d{4,}(?!\\d)`, 'g');
/** Four digits standing alone: not part of a code, a date or a time ("2026-11-29", "10:30"). */
const BARE_FOUR_DIGITS = /(?<![a-z0-9]|\d[-/:.])\d{4}(?![a-z0-9]|[-/:.]\d)/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A keyword pattern: Latin keywords match whole words only. */
function keywordPattern(word: string): string {
  const escaped = escapeRegExp(word.toLowerCase()).replace(/\s+/g, '\\s*');
  return /^[a-z]/.test(word) ? `(?<![a-z])${escaped}` : escaped;
}

function wordPattern(word: string): string {
  const pattern = keywordPattern(word);
  return /[a-z]$/i.test(word) ? `${pattern}(?![a-z])` : pattern;
}

interface Matcher {
  merchantNoAfterKeyword: RegExp;
  /** The keyword, then a few words at most ("后四位是", "last 4 digits of my phone are"), then exactly four digits. */
  phoneLast4AfterKeyword: RegExp;
  reasons: { code: (typeof EXTRACTED_REASONS)[number]; pattern: RegExp }[];
}

function buildMatcher(keywords: EntityKeywords): Matcher {
  const merchantKeywords = keywords.merchantNoKeywords.map(keywordPattern).join('|');
  const separators = keywords.merchantNoSeparators.map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('');
  return {
    merchantNoAfterKeyword: new RegExp(`(?:${merchantKeywords})[\\s${separators}]*${SPACED_FIFTEEN_DIGITS}`, 'g'),
    phoneLast4AfterKeyword: new RegExp(
      `(?:${keywords.phoneLast4Keywords.map(keywordPattern).join('|')})[^\\d]{0,30}?(?<!\\d)(\\d{4})(?!\\d)`,
      'g',
    ),
    reasons: EXTRACTED_REASONS.map((code) => ({
      code,
      pattern: new RegExp(keywords.reasons[code].map(wordPattern).join('|'), 'g'),
    })),
  };
}

class SpanCollector {
  readonly found: LocatedEntity[] = [];
  private readonly taken: [number, number][] = [];

  constructor(
    private readonly raw: string,
    private readonly normalized: NormalizedText,
  ) {}

  isFree(start: number, end: number): boolean {
    return this.taken.every(([s, e]) => end <= s || start >= e);
  }

  /** Adds the normalised span [start, end) as an entity when it is free and `toValue` accepts it. */
  add(type: EntityType, start: number, end: number, toValue: (written: string) => string | undefined): void {
    if (!this.isFree(start, end)) return;
    const [from, to] = originalSpan(this.normalized, start, end);
    const text = this.raw.slice(from, to);
    const value = toValue(text);
    if (value === undefined) return;
    this.taken.push([start, end]);
    this.found.push({ type, value, text, start: from, end: to });
  }
}

function validated(schema: z.ZodType<string, string>): (written: string) => string | undefined {
  return (written) => {
    const result = checkField(schema, written);
    return result.ok ? result.value : undefined;
  };
}

function eachMatch(
  pattern: RegExp,
  text: string,
  onMatch: (start: number, end: number, match: RegExpExecArray) => void,
) {
  for (const match of text.matchAll(pattern)) onMatch(match.index, match.index + match[0].length, match);
}

export interface EntityExtractor {
  /** Entities with their spans in `text`, in the order they appear. */
  locate(text: string): LocatedEntity[];
  extract(text: string): Entity[];
}

export function createEntityExtractor(keywords: EntityKeywords = loadEntityKeywords()): EntityExtractor {
  const matcher = buildMatcher(keywords);

  function locate(raw: string): LocatedEntity[] {
    const normalized = normalizeWithOrigin(raw);
    const text = normalized.text;
    const spans = new SpanCollector(raw, normalized);

    eachMatch(LINK_IN_TEXT, text, (start, _end, match) => {
      const linkEnd = start + match[0].replace(LINK_TRAILING_PUNCTUATION, '').length;
      // A cloud drive's 提取码 right after its link stays with it (the code as written: case matters).
      const [linkFrom, linkTo] = originalSpan(normalized, start, linkEnd);
      const code = ACCESS_CODE_AFTER_LINK.exec(raw.slice(linkTo));
      const end = code ? linkEnd + normalizeWithOrigin(code[0].trimEnd()).text.length : linkEnd;
      const link = toHalfWidth(raw.slice(linkFrom, linkTo));
      spans.add('url', start, end, () => (code ? `${link}${ACCESS_CODE_SEPARATOR}${code[1]}` : link));
    });
    eachMatch(TICKET_ID, text, (start, end) => spans.add('ticketId', start, end, validated(ticketIdSchema)));
    eachMatch(EMAIL, text, (start, end) => spans.add('email', start, end, validated(emailSchema)));
    eachMatch(matcher.merchantNoAfterKeyword, text, (_start, end, match) => {
      const digits = match[1] ?? '';
      spans.add('merchantNo', end - digits.length, end, validated(merchantNoSchema));
    });
    eachMatch(PHONE, text, (start, end) => spans.add('phone', start, end, validated(phoneSchema)));
    eachMatch(FIFTEEN_DIGITS, text, (start, end) => spans.add('merchantNo', start, end, validated(merchantNoSchema)));
    eachMatch(SN, text, (start, end, match) => {
      if (!/[a-z]/.test(match[0]) || !/\d/.test(match[0])) return;
      spans.add('sn', start, end, validated(snSchema));
    });
    eachMatch(matcher.phoneLast4AfterKeyword, text, (_start, end) =>
      spans.add('phoneLast4', end - 4, end, validated(phoneLast4Schema)),
    );
    // A bare group counts only beside a ticket number or an SN, and only when it is the one candidate.
    const has = (type: EntityType) => spans.found.some((entity) => entity.type === type);
    const bare = [...text.matchAll(BARE_FOUR_DIGITS)].filter((m) => spans.isFree(m.index, m.index + 4));
    if ((has('ticketId') || has('sn')) && !has('phoneLast4') && bare.length === 1) {
      const at = bare[0]!.index;
      spans.add('phoneLast4', at, at + 4, validated(phoneLast4Schema));
    }
    for (const { code, pattern } of matcher.reasons) {
      const match = [...text.matchAll(pattern)].find((m) => spans.isFree(m.index, m.index + m[0].length));
      if (match) spans.add('reason', match.index, match.index + match[0].length, () => code);
    }
    return spans.found.sort((a, b) => a.start - b.start);
  }

  return {
    locate,
    extract: (text) => locate(text).map(({ type, value, text: written }) => ({ type, value, text: written })),
  };
}

let defaultExtractor: EntityExtractor | undefined;

/** Entities in `text` with the keywords of dialogs/nlu/entities.json. */
export function extractEntities(text: string): Entity[] {
  defaultExtractor ??= createEntityExtractor();
  return defaultExtractor.extract(text);
}
