/**
 * "What's the status of my request?" from a conversation that did not file it: the merchant
 * proves the request is theirs (its ticket number or the device's serial number, then the last four
 * digits of its phone), then hears its status. Both can come in the message that asks ("UB-… 尾号1234",
 * "SN K7Q… last 4 1234"), or in any later one. A second form on the same engine; messages in
 * locales/<lng>/status.json.
 */
import type { FormDefinition } from '../src/engine/form-definition.ts';
import { phoneLast4Schema, ticketIdOrSnSchema } from '../src/validation/fields.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

export const STATUS_LOOKUP_FORM: FormDefinition = {
  id: 'statusLookup',
  vocabulary: FORM_VOCABULARY,
  help: 'status:help',
  slots: [
    {
      name: 'ticketIdOrSn',
      kind: 'text',
      fill: [
        { from: 'entity', type: 'ticketId', anyTurn: true },
        { from: 'entity', type: 'sn', anyTurn: true },
        { from: 'text' },
      ],
      schema: ticketIdOrSnSchema,
      prompt: 'status:prompt.ticketIdOrSn',
      label: 'status:label.ticketIdOrSn',
      example: 'status:example.ticketIdOrSn',
      hiddenInSummary: true,
    },
    {
      name: 'phoneLast4',
      kind: 'text',
      fill: [{ from: 'entity', type: 'phoneLast4', anyTurn: true }, { from: 'text' }],
      schema: phoneLast4Schema,
      prompt: 'status:prompt.phoneLast4',
      label: 'status:label.phoneLast4',
      example: 'status:example.phoneLast4',
      hiddenInSummary: true,
    },
  ],
};
