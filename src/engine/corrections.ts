/**
 * Recognises a correction of an earlier answer in free text: a cue ("写错了", "sorry") plus the
 * name of a field ("电话", "email"), and where the new value starts. The cues and markers are the
 * form's (FormVocabulary).
 */
import { toSimplified } from '../nlu/normalize.ts';
import { LOCALES } from '../validation/ticket.ts';
import type { FormVocabulary, SlotDefinition } from './form-definition.ts';
import { slotNames } from './slot-names.ts';

export interface Correction {
  slot: SlotDefinition;
  /** The text that should be the new answer. */
  valueText: string;
}

/** A reader of corrections in one form's words: which of `slots` the text corrects, and to what. */
export function createCorrectionParser(
  vocabulary: FormVocabulary,
): (slots: readonly SlotDefinition[], text: string) => Correction | undefined {
  const cues = LOCALES.flatMap((lng) => vocabulary.correctionCues[lng].map((cue) => cue.toLowerCase()));
  const markers = vocabulary.correctionValueMarkers;

  return (slots, text) => {
    const message = text.normalize('NFKC');
    // Same length as message (one character for one), so positions carry over.
    const lower = toSimplified(message.toLowerCase());
    if (!cues.some((cue) => lower.includes(cue))) return undefined;
    let found: { slot: SlotDefinition; at: number; name: string } | undefined;
    for (const slot of slots) {
      for (const name of slotNames(slot)) {
        const at = lower.indexOf(name);
        if (at >= 0 && (!found || name.length > found.name.length)) found = { slot, at, name };
      }
    }
    if (!found) return undefined;
    const afterName = found.at + found.name.length;
    const markerEnd = Math.max(
      ...markers.map((marker) => {
        const at = lower.lastIndexOf(marker);
        return at >= afterName ? at + marker.length : -1;
      }),
    );
    let valueText = (markerEnd > 0 ? message.slice(markerEnd) : message.slice(afterName)).replace(
      /^[\s\p{P}]+|[\s。.!！]+$/gu,
      '',
    );
    // "电话写错了13912345678": the cue stands between the name and the value.
    const leadingCue = cues.find((cue) => valueText.toLowerCase().startsWith(cue));
    if (leadingCue) valueText = valueText.slice(leadingCue.length).replace(/^[\s\p{P}]+/u, '');
    return valueText ? { slot: found.slot, valueText } : undefined;
  };
}
