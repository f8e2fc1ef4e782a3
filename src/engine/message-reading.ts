/**
 * Reads one message for every value it carries, whatever is being asked: "label：value" and
 * "label value" pairs, several per message ("营业执照 https://… 身份证反面：https://…",
 * "李秀英 电话138…", "SN是 K7Q3 5820 1146"), each value checked by its slot's own rule; the
 * entities the slots map from; and the text before the first label, which answers the question
 * being asked. A label is one of the slot's names (the same words that name it at the summary)
 * or one of its cues ("我叫").
 */
import { normalizeWithOrigin, originalSpan } from '../nlu/normalize.ts';
import type { Locale } from '../validation/ticket.ts';
import type { AnswerReader } from './answer-matching.ts';
import type { SlotDefinition, SlotValues } from './form-definition.ts';
import type { FoundEntity } from './slot-mappings.ts';
import { takesFreeText } from './slot-mappings.ts';
import { slotCues, slotNames } from './slot-names.ts';
import { checkSlotAnswer, checkSlotValue, type SlotCheck } from './slot-prompts.ts';

/** A labelled value that was refused: what to tell the merchant. */
export interface ReadingProblem {
  slot: SlotDefinition;
  errorKey: string;
  hintKeys: string[];
}

export interface MessageReading {
  /** Values for slots: from labels first, then from entities by the slots' mappings. */
  values: SlotValues;
  /** The slots whose value came from a label ("电话 138…"). */
  labelled: string[];
  /** The text before the first label, when there is one: the answer to the question being asked. */
  pendingAnswer?: string;
  /** Labelled values that did not pass their rule ("电话1381234567": one digit short). */
  problems: ReadingProblem[];
}

/** Where a message is read: the slots it may fill and the one being asked. */
export interface ReadingScope {
  slots: readonly SlotDefinition[];
  /** The slot being asked, if any. */
  pending?: SlotDefinition;
  /** Whether a slot may take a value from an entity nobody labelled (see the slots' entity mappings). */
  takesEntity(slot: SlotDefinition, mapping: { type: string; anyTurn?: boolean }): boolean;
  reader: AnswerReader;
  /** The merchant's language, to read what choice answers mean. */
  locale: Locale;
  /** Words saying no, as the form's vocabulary has them (normalised), for "不涉及未成年人". */
  negations: readonly string[];
  separators: LabelSeparators;
}

interface LabelHit {
  slot: SlotDefinition;
  /** Positions in the normalised text. */
  start: number;
  end: number;
  /** A cue ("我叫"): the value follows without a separator. */
  cue: boolean;
}

/** Links and e-mail addresses: a label inside one ("…/licence.jpg") is part of the value. */
const CODE_SPAN = /[\x21-\x7e]*(?:@|:\/\/)[\x21-\x7e]*/g;
/** What stands between a label and its value, in a form's words (FormVocabulary.labelLinks/labelFillers). */
export interface LabelSeparators {
  /** Everything that may stand there: punctuation, linking words, fillers ("：", "号码是", "is"). */
  any: RegExp;
  /** What says a value follows (a colon, "是", "is"): needed before a free-text value. */
  explicit: RegExp;
  /** The linking words, to look past them when a yes/no is negated ("不是未成年人"). */
  links: readonly string[];
  /** Only spaces and fillers: a label right after another with this between belongs to it. */
  onlyFillers: RegExp;
}

function alternatives(words: readonly string[]): string {
  return words.map((w) => (/^[a-z]/.test(w) ? `${escapeRegExp(w)}(?![a-z])` : escapeRegExp(w))).join('|');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function labelSeparators(links: readonly string[], fillers: readonly string[]): LabelSeparators {
  const words = alternatives([...links, ...fillers].map((w) => w.toLowerCase()));
  return {
    any: new RegExp(`^(?:[\\s:=\\-–—>~]|${words})+`),
    explicit: new RegExp(`[:=]|${alternatives(links.map((w) => w.toLowerCase()))}`),
    links: links.map((w) => w.toLowerCase()),
    onlyFillers: new RegExp(`^(?:\\s|${alternatives(fillers.map((w) => w.toLowerCase()))})*$`),
  };
}
/** Where a value ends at the latest: sentence punctuation (a full stop only before a space: not in "a.com"). */
const VALUE_END = /[,;!?\n、。，；！？]|\.(?=\s|$)/;
/** A label only counts at a field boundary in a free-text answer ("李秀英 电话138…", not "换了手机号…"). */
const FIELD_BOUNDARY = /[\s\p{P}]/u;
const HAN = /\p{Script=Han}/u;
/** Letters and digits, possibly spaced or dashed in groups. */
const CODE_RUN = /[A-Za-z0-9]+(?:[\s-][A-Za-z0-9]+)*/g;
const LOOKS_LIKE_A_VALUE = /\d|@|:\/\//;

function isLatinWord(word: string): boolean {
  return /^[a-z]/.test(word) || /[a-z]$/.test(word);
}

function findLabels(text: string, scope: ReadingScope): LabelHit[] {
  const words = scope.slots
    .flatMap((slot) => [
      ...slotNames(slot).map((word) => ({ slot, word, cue: false })),
      ...slotCues(slot).map((word) => ({ slot, word, cue: true })),
    ])
    .sort((a, b) => b.word.length - a.word.length);
  const taken: [number, number][] = [...text.matchAll(CODE_SPAN)].map((m) => [m.index, m.index + m[0].length]);
  const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
  const atBoundary = scope.pending !== undefined && takesFreeText(scope.pending);
  const hits: LabelHit[] = [];
  for (const { slot, word, cue } of words) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      const end = at + word.length;
      if (!free(at, end)) continue;
      if (isLatinWord(word) && (/[a-z0-9]/.test(text[at - 1] ?? '') || /[a-z]/.test(text[end] ?? ''))) continue;
      if (atBoundary && at > 0 && !FIELD_BOUNDARY.test(text[at - 1] ?? '')) continue;
      taken.push([at, end]);
      hits.push({ slot, start: at, end, cue });
    }
  }
  hits.sort((a, b) => a.start - b.start);
  // "营业执照照片", "身份证正面照片": a label right after another belongs to it.
  return hits.filter(
    (hit, i) => i === 0 || !scope.separators.onlyFillers.test(text.slice(hits[i - 1]!.end, hit.start)),
  );
}

/** Ways to cut a value out of the text after a label, most likely first. */
function valueCandidates(segment: string, freeText: boolean): string[] {
  const upToPunctuation = segment.split(VALUE_END)[0]!.trim();
  const candidates = [upToPunctuation];
  // "K7Q3 5820 1146 麻烦了": a code ends where words begin.
  const beforeWords = /^[^\p{Script=Han}]+(?=\p{Script=Han})/u.exec(upToPunctuation)?.[0].trim();
  if (beforeWords) candidates.push(beforeWords);
  // "张伟 谢谢": a Chinese name ends at a space.
  if (!freeText || HAN.test(upToPunctuation)) candidates.push(upToPunctuation.split(/\s+/)[0]!);
  // "不记得了 盒子上写着 M5T7 1122 3344": a code somewhere after the label.
  if (!freeText) candidates.push(...(upToPunctuation.match(CODE_RUN) ?? []).filter((run) => /\d/.test(run)));
  return [...new Set(candidates.filter(Boolean))];
}

function negatedBefore(before: string, scope: ReadingScope): boolean {
  let words = before.trim().replace(/(?:\s+(?:a|an|the|any))+$/, '');
  const link = scope.separators.links.find((w) => words.endsWith(w));
  if (link) words = words.slice(0, -link.length);
  words = words.trim();
  return scope.negations.some((no) => words.endsWith(no));
}

/** What a label's segment gave: a checked value and the text it was read from. */
type LabelledResult = { check: SlotCheck; consumed: string } | undefined;

function readLabelled(
  hit: LabelHit,
  segment: { normalized: string; written: string },
  before: string,
  scope: ReadingScope,
  entities: readonly FoundEntity[],
): LabelledResult {
  const { slot } = hit;
  const separator = scope.separators.any.exec(segment.normalized)?.[0] ?? '';
  const written = segment.written.slice(separator.length);
  if (slot.kind === 'yesno') {
    const answer = valueCandidates(written, false)[0];
    const said = answer && [...answer].length <= 6 ? scope.reader.parseYesNo(answer) : undefined;
    const value = said ?? !negatedBefore(before, scope);
    return { check: { ok: true, value }, consumed: said === undefined ? '' : (answer ?? '') };
  }
  const freeText = takesFreeText(slot);
  if (freeText && !hit.cue && !scope.separators.explicit.test(separator)) return undefined;
  // An entity the slot maps from, written inside this segment (a link with its 提取码, a spaced phone).
  const mapped = new Set(slot.fill.flatMap((m) => (m.from === 'entity' ? [m.type] : [])));
  const tries = entities
    .filter((e) => mapped.has(e.type) && typeof e.text === 'string' && written.includes(e.text))
    .map((e) => ({ check: checkSlotValue(slot, scope.reader, e.value), consumed: e.text ?? '' }));
  for (const candidate of valueCandidates(written, freeText)) {
    if (freeText && scope.reader.isBareYesNo(candidate)) continue;
    tries.push({ check: checkSlotAnswer(slot, scope.reader, candidate, scope.locale), consumed: candidate });
  }
  const accepted = tries.find((attempt) => attempt.check.ok);
  if (accepted) return accepted;
  const attempt = tries[0];
  return attempt && slot.kind === 'text' && !freeText && LOOKS_LIKE_A_VALUE.test(written) ? attempt : undefined;
}

/** Everything one message gives the slots in scope. */
export function readMessage(text: string, entities: readonly FoundEntity[], scope: ReadingScope): MessageReading {
  const normalized = normalizeWithOrigin(text);
  const writtenSpan = (start: number, end: number) => {
    if (end <= start) return '';
    const [from, to] = originalSpan(normalized, start, end);
    return text.slice(from, to);
  };
  const hits = findLabels(normalized.text, scope);
  const reading: MessageReading = { values: {}, labelled: [], problems: [] };
  const consumed: string[] = [];
  hits.forEach((hit, i) => {
    const end = hits[i + 1]?.start ?? normalized.text.length;
    const segment = { normalized: normalized.text.slice(hit.end, end), written: writtenSpan(hit.end, end) };
    const result = readLabelled(hit, segment, normalized.text.slice(0, hit.start), scope, entities);
    if (!result || hit.slot.name in reading.values) return;
    const { check } = result;
    if (check.ok) {
      reading.values[hit.slot.name] = check.value;
      reading.labelled.push(hit.slot.name);
    } else {
      reading.problems.push({ slot: hit.slot, errorKey: check.errorKey, hintKeys: check.hintKeys });
    }
    if (result.consumed) consumed.push(result.consumed);
  });
  const attached = attachToLabels(hits, reading, entities, scope);
  const first = hits[0];
  if (first && (reading.labelled.length > 0 || reading.problems.length > 0)) {
    const head = writtenSpan(0, first.start).replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
    if (head) reading.pendingAnswer = head;
  }
  const used = fillFromEntities(
    reading,
    entities.filter(
      (e) => !attached.has(e) && !consumed.some((text) => typeof e.text === 'string' && text.includes(e.text)),
    ),
    scope,
  );
  // "孙悦 18612345678" at the name question: what is left once the phone is taken answers it.
  if (!first && used.length > 0 && scope.pending && !(scope.pending.name in reading.values)) {
    const rest = used
      .reduce((left, entity) => left.replace(entity.text ?? '', ' '), text)
      .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
    // A description keeps its numbers ("换了手机号139…的新店"): only a short leftover is a name on its own.
    const shortPhrase = !/[\s\p{P}]/u.test(rest) && [...rest].length <= 12;
    if (rest) reading.pendingAnswer = takesFreeText(scope.pending) && !shortPhrase ? text.trim() : rest;
  }
  return reading;
}

/**
 * Entities nobody labelled, by the slots' mappings: the pending slot takes the first of its type
 * and, when it maps from an entity, the next empty slots of the same mapping take the rest in
 * order (three links while a document is asked); empty slots that take their entity at any turn
 * take theirs.
 */
function fillFromEntities(
  reading: MessageReading,
  entities: readonly FoundEntity[],
  scope: ReadingScope,
): FoundEntity[] {
  const used = new Set<FoundEntity>();
  const take = (slot: SlotDefinition, type: string) => {
    if (slot.name in reading.values) return;
    const entity = entities.find((e) => e.type === type && !used.has(e));
    if (!entity) return;
    used.add(entity);
    reading.values[slot.name] = entity.value;
  };
  const { pending } = scope;
  // Each entity type the pending slot maps from (a link, an uploaded photo), in its mapping order.
  for (const pendingType of pending?.fill.flatMap((m) => (m.from === 'entity' ? [m.type] : [])) ?? []) {
    if (!pending) break;
    take(pending, pendingType);
    const after = scope.slots.slice(scope.slots.indexOf(pending) + 1);
    for (const slot of after) {
      if (
        slot.fill.some((m) => m.from === 'entity' && m.type === pendingType) &&
        scope.takesEntity(slot, { type: pendingType })
      )
        take(slot, pendingType);
    }
  }
  for (const slot of scope.slots) {
    for (const mapping of slot.fill) {
      if (mapping.from === 'entity' && slot !== pending && mapping.anyTurn && scope.takesEntity(slot, mapping))
        take(slot, mapping.type);
    }
  }
  return [...used];
}

/**
 * What came with the message rather than in its words (an uploaded photo: an entity with no
 * written span) goes to the slots named in the words that got no value of their own ("身份证反面"
 * with a photo), in order. Returns the entities taken.
 */
function attachToLabels(
  hits: readonly LabelHit[],
  reading: MessageReading,
  entities: readonly FoundEntity[],
  scope: ReadingScope,
): Set<FoundEntity> {
  const taken = new Set<FoundEntity>();
  const unwritten = entities.filter((e) => e.text === undefined);
  if (unwritten.length === 0) return taken;
  for (const { slot } of hits) {
    if (slot.name in reading.values || reading.problems.some((p) => p.slot === slot)) continue;
    const types = new Set(slot.fill.flatMap((m) => (m.from === 'entity' ? [m.type] : [])));
    const entity = unwritten.find((e) => types.has(e.type) && !taken.has(e));
    if (!entity) continue;
    const check = checkSlotValue(slot, scope.reader, entity.value);
    if (!check.ok) continue;
    taken.add(entity);
    reading.values[slot.name] = check.value;
    reading.labelled.push(slot.name);
  }
  return taken;
}
