/**
 * The summary at the end of a form: what the merchant reads back, and what their reply to it
 * means (submit, or change a field — named or not yet).
 */
import { t } from '../i18n/translate.ts';
import { LOCALES, type Locale } from '../validation/ticket.ts';
import { type AnswerReader, normalizeAnswer } from './answer-matching.ts';
import { applicableSlots, type FormDefinition, type SlotDefinition, type SlotValues } from './form-definition.ts';
import { describeValue } from './slot-prompts.ts';

/** The slots listed (and numbered) in the summary. */
export function summarySlots(form: FormDefinition, values: SlotValues): SlotDefinition[] {
  return applicableSlots(form, values).filter((slot) => !slot.hiddenInSummary);
}

/**
 * Every answer, numbered; when correcting a submission (`original` given), what changed is
 * marked with its earlier value. Undefined for a form without a summary.
 */
export function renderSummary(
  form: FormDefinition,
  values: SlotValues,
  original: SlotValues | undefined,
  locale: Locale,
): string | undefined {
  if (!form.summary) return undefined;
  const lines = summarySlots(form, values).map((slot, i) => {
    const line = t(locale, 'form:summaryLine', {
      number: i + 1,
      label: t(locale, slot.label),
      value: describeValue(slot, values[slot.name], locale),
    });
    if (!original || original[slot.name] === values[slot.name]) return line;
    return line + t(locale, 'form:changedFrom', { before: describeValue(slot, original[slot.name], locale) });
  });
  return [t(locale, form.summary.title), ...lines, '', t(locale, form.summary.confirmHint)].join('\n');
}

export type SummaryAnswer = { kind: 'confirm' } | { kind: 'edit'; field?: SlotDefinition };

/** What a reply to the summary asks for, or undefined when it is not a reply to it. */
export function readSummaryAnswer(
  form: FormDefinition,
  reader: AnswerReader,
  values: SlotValues,
  text: string,
): SummaryAnswer | undefined {
  const field = reader.findSlotByName(summarySlots(form, values), text);
  if (field) return { kind: 'edit', field };
  const answer = normalizeAnswer(text);
  const yesNo = reader.parseYesNo(text);
  const confirmLabels = LOCALES.map((lng) => normalizeAnswer(t(lng, 'form:action.confirm')));
  if (yesNo === true || confirmLabels.includes(answer)) return { kind: 'confirm' };
  const editWords = LOCALES.flatMap((lng) => [...form.vocabulary.edit[lng], t(lng, 'form:action.edit')]).map(
    normalizeAnswer,
  );
  if (yesNo === false || editWords.includes(answer)) return { kind: 'edit' };
  return undefined;
}
