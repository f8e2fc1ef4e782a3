/**
 * "What's the status of my request?" from a conversation that did not file it: the merchant
 * proves the ticket is theirs (ticket number + last four digits of its phone), then hears its
 * status. A second form on the same engine; messages in locales/<lng>/status.json.
 */
import type { FormDefinition } from '../src/engine/form-definition.ts';
import { phoneLast4Schema, ticketIdSchema } from '../src/validation/fields.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

export const STATUS_LOOKUP_FORM: FormDefinition = {
  id: 'statusLookup',
  vocabulary: FORM_VOCABULARY,
  help: 'status:help',
  slots: [
    {
      name: 'ticketId',
      kind: 'text',
      fill: [{ from: 'text' }],
      schema: ticketIdSchema,
      prompt: 'status:prompt.ticketId',
      label: 'status:label.ticketId',
      example: 'status:example.ticketId',
      hiddenInSummary: true,
    },
    {
      name: 'phoneLast4',
      kind: 'text',
      fill: [{ from: 'text' }],
      schema: phoneLast4Schema,
      prompt: 'status:prompt.phoneLast4',
      label: 'status:label.phoneLast4',
      example: 'status:example.phoneLast4',
      hiddenInSummary: true,
    },
  ],
};
