/**
 * Slot mappings at work (see SlotMapping): whether a slot is asked and whether it takes free
 * text. Which values a message's entities give which slots is message-reading.ts.
 */
import type { SlotDefinition } from './form-definition.ts';

/** An entity language understanding found in a message: its type and normalised value. */
export interface FoundEntity {
  type: string;
  value: unknown;
  /** The span as written, to tell which label it follows. */
  text?: string;
}

export function mapsFromText(slot: SlotDefinition): boolean {
  return slot.fill.some((mapping) => mapping.from === 'text');
}

export function takesFreeText(slot: SlotDefinition): boolean {
  return slot.fill.some((mapping) => mapping.from === 'text' && mapping.freeText === true);
}
