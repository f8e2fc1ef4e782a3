import { describe, expect, it } from 'vitest';
import type { SlotDefinition } from '../../src/engine/form-definition.ts';
import { takesFreeText, valuesFromEntities } from '../../src/engine/slot-mappings.ts';
import { phoneSchema, snSchema } from '../../src/validation/fields.ts';

const text = (name: string, fill: SlotDefinition['fill']): SlotDefinition => ({
  name,
  kind: 'text',
  schema: name === 'phone' ? phoneSchema : snSchema,
  example: `test:${name}`,
  prompt: `test:${name}`,
  label: `test:${name}`,
  fill,
});

const sn = text('sn', [{ from: 'entity', type: 'sn', anyTurn: true }, { from: 'text' }]);
const phone = text('phone', [{ from: 'entity', type: 'phone' }, { from: 'text' }]);
const name = text('contactName', [{ from: 'text', freeText: true }]);

const entities = [
  { type: 'phone', value: '13812345678' },
  { type: 'sn', value: 'N5W1234567' },
  { type: 'phone', value: '13912345678' },
];

describe('slot mappings', () => {
  it('fill each slot from the first entity of its type, where the caller allows', () => {
    expect(valuesFromEntities([sn, phone, name], entities, () => true)).toEqual({
      sn: 'N5W1234567',
      phone: '13812345678',
    });
    expect(valuesFromEntities([sn, phone, name], entities, (_, mapping) => mapping.anyTurn === true)).toEqual({
      sn: 'N5W1234567',
    });
  });

  it('say which slots take free text', () => {
    expect([sn, phone, name].map(takesFreeText)).toEqual([false, false, true]);
  });
});
