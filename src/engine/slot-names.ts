/**
 * The words that name a slot in a merchant's message: its names in both languages and its label,
 * as language understanding normalises text (half-width, lower case, simplified), longest first,
 * so "法人身份证正面" wins over "正面".
 */
import { t } from '../i18n/translate.ts';
import { normalize } from '../nlu/normalize.ts';
import { LOCALES } from '../validation/ticket.ts';
import type { SlotDefinition } from './form-definition.ts';

const namesCache = new WeakMap<SlotDefinition, readonly string[]>();
const cuesCache = new WeakMap<SlotDefinition, readonly string[]>();

function longestFirst(words: Iterable<string>): readonly string[] {
  return [...new Set([...words].map((w) => normalize(w).trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
}

/** The slot's names and label, in both languages. */
export function slotNames(slot: SlotDefinition): readonly string[] {
  let names = namesCache.get(slot);
  if (!names) {
    names = longestFirst(LOCALES.flatMap((lng) => [...(slot.names?.[lng] ?? []), t(lng, slot.label)]));
    namesCache.set(slot, names);
  }
  return names;
}

/** Words right before a value of this slot in running text ("我叫", "my name is"). */
export function slotCues(slot: SlotDefinition): readonly string[] {
  let cues = cuesCache.get(slot);
  if (!cues) {
    cues = longestFirst(LOCALES.flatMap((lng) => slot.cues?.[lng] ?? []));
    cuesCache.set(slot, cues);
  }
  return cues;
}
