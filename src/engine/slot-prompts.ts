/**
 * How a slot is asked, checked and shown back — per kind, for any form.
 */
import { t } from '../i18n/translate.ts';
import { checkField } from '../validation/fields.ts';
import type { Locale } from '../validation/ticket.ts';
import type { AnswerReader } from './answer-matching.ts';
import { applicableSlots, type FormDefinition, type SlotDefinition, type SlotValues } from './form-definition.ts';

export type SlotCheck = { ok: true; value: unknown } | { ok: false; errorKey: string; hintKeys: string[] };

/**
 * Checks an answer against a slot: its zod rule, its options (by what the words mean, in the
 * merchant's language when known), or yes/no (in the form's words).
 */
export function checkSlotAnswer(slot: SlotDefinition, reader: AnswerReader, text: string, locale?: Locale): SlotCheck {
  switch (slot.kind) {
    case 'text': {
      const result = checkField(slot.schema, text);
      return result.ok ? result : { ok: false, errorKey: `validation:${result.code}`, hintKeys: [slot.example] };
    }
    case 'choice': {
      const value = reader.chooseOption(slot, text, locale);
      return value !== undefined ? { ok: true, value } : { ok: false, errorKey: 'form:choiceInvalid', hintKeys: [] };
    }
    case 'yesno': {
      const value = reader.parseYesNo(text);
      return value !== undefined ? { ok: true, value } : { ok: false, errorKey: 'form:yesNoInvalid', hintKeys: [] };
    }
  }
}

/**
 * Checks a value that came from elsewhere than an answer to the slot (an entity found in free
 * text, a choice's code): the same rules, so nothing unchecked is stored.
 */
export function checkSlotValue(slot: SlotDefinition, reader: AnswerReader, value: unknown): SlotCheck {
  if (slot.kind === 'choice' && slot.options.some((o) => o.value === value)) return { ok: true, value };
  if (slot.kind === 'yesno' && typeof value === 'boolean') return { ok: true, value };
  return checkSlotAnswer(slot, reader, String(value));
}

/** The value as the merchant should read it back. */
export function describeValue(slot: SlotDefinition, value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return t(locale, 'form:notProvided');
  const described = slot.describe?.(value);
  if (described) return t(locale, described);
  if (slot.kind === 'yesno') return t(locale, value ? 'form:yes' : 'form:no');
  if (slot.kind === 'choice') {
    const option = slot.options.find((o) => o.value === value);
    return option ? t(locale, option.label) : String(value);
  }
  return String(value);
}

export function optionLines(slot: SlotDefinition, locale: Locale): string[] {
  return slot.kind === 'choice' ? slot.options.map((o, i) => `${i + 1}. ${t(locale, o.label)}`) : [];
}

function actionsFor(slot: SlotDefinition, locale: Locale): string[] {
  const actions =
    slot.kind === 'choice'
      ? slot.options.map((o) => t(locale, o.label))
      : slot.kind === 'yesno'
        ? [t(locale, 'form:yes'), t(locale, 'form:no')]
        : [];
  if (slot.optional) actions.push(t(locale, 'form:action.skip'));
  return actions;
}

/** The question for a slot: progress, the question, its options, and the current value when re-asked. */
export function promptFor(
  form: FormDefinition,
  slot: SlotDefinition,
  locale: Locale,
  values: SlotValues,
): { text: string; actions: string[] } {
  const lines = [t(locale, slot.prompt), ...optionLines(slot, locale)];
  if (!slot.hiddenInSummary) {
    const counted = applicableSlots(form, values).filter((s) => !s.hiddenInSummary);
    const step = counted.indexOf(slot) + 1;
    if (step > 0) lines.unshift(t(locale, 'form:progress', { step, total: counted.length }));
  }
  const current = values[slot.name];
  if (current !== undefined)
    lines.push(t(locale, 'form:currentValue', { value: describeValue(slot, current, locale) }));
  return { text: lines.join('\n'), actions: actionsFor(slot, locale) };
}
