/**
 * Text normalisation shared by entity extraction and classification: full-width → half-width
 * (NFKC), lower case, traditional → simplified. Done one character at a time so every position in
 * the result can be traced back to the text as written.
 */
import { loadTraditionalMap } from './data.ts';

let traditional: Map<string, string> | undefined;

function traditionalMap(): Map<string, string> {
  traditional ??= loadTraditionalMap();
  return traditional;
}

/** Converts traditional characters to simplified ones; everything else is left as it is. */
export function toSimplified(text: string): string {
  const map = traditionalMap();
  let out = '';
  for (const ch of text) out += map.get(ch) ?? ch;
  return out;
}

export interface NormalizedText {
  /** NFKC, lower-cased, simplified. */
  text: string;
  /** For each UTF-16 unit of `text`, the offset in the original of the character it came from, plus a final entry. */
  origin: number[];
}

export function normalizeWithOrigin(raw: string): NormalizedText {
  const map = traditionalMap();
  let text = '';
  const origin: number[] = [];
  let offset = 0;
  for (const ch of raw) {
    let mapped = '';
    for (const unit of ch.normalize('NFKC').toLowerCase()) mapped += map.get(unit) ?? unit;
    for (let i = 0; i < mapped.length; i++) origin.push(offset);
    text += mapped;
    offset += ch.length;
  }
  origin.push(offset);
  return { text, origin };
}

/** The original [start, end) of the normalised span [start, end). */
export function originalSpan(normalized: NormalizedText, start: number, end: number): [number, number] {
  const from = normalized.origin[start] ?? 0;
  const last = normalized.origin[end - 1] ?? from;
  let to = end;
  while (to < normalized.origin.length - 1 && (normalized.origin[to] ?? 0) <= last) to++;
  return [from, normalized.origin[to] ?? from];
}

export function normalize(raw: string): string {
  return normalizeWithOrigin(raw).text;
}
