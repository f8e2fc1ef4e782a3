/**
 * Slot mappings at work (see SlotMapping): whether a slot takes free text, and which values the
 * entities of one message give which slots.
 */
import type { SlotDefinition, SlotMapping, SlotValues } from './form-definition.ts';

/** An entity language understanding found in a message: its type and normalised value. */
export interface FoundEntity {
  type: string;
  value: unknown;
}

type EntityMapping = Extract<SlotMapping, { from: 'entity' }>;

export function mapsFromText(slot: SlotDefinition): boolean {
  return slot.fill.some((mapping) => mapping.from === 'text');
}

export function takesFreeText(slot: SlotDefinition): boolean {
  return slot.fill.some((mapping) => mapping.from === 'text' && mapping.freeText === true);
}

/**
 * The values these entities give `slots` through their entity mappings, where `applies` allows:
 * each slot takes the first entity of the first type it maps from that the message holds.
 */
export function valuesFromEntities(
  slots: readonly SlotDefinition[],
  entities: readonly FoundEntity[],
  applies: (slot: SlotDefinition, mapping: EntityMapping) => boolean,
): SlotValues {
  const values: SlotValues = {};
  for (const slot of slots) {
    for (const mapping of slot.fill) {
      if (mapping.from !== 'entity' || slot.name in values || !applies(slot, mapping)) continue;
      const entity = entities.find((found) => found.type === mapping.type);
      if (entity) values[slot.name] = entity.value;
    }
  }
  return values;
}
