/**
 * "What's the status of my request?" from a conversation that did not file it: the merchant
 * proves the ticket is theirs (ticket number + last four digits of its phone), then hears its
 * status. A second form on the same engine; messages in locales/<lng>/status.json.
 */
import type { FormDefinition, FormWithOutcome } from '../src/engine/form-definition.ts';
import type { StatusLookup } from '../src/status/status-lookup.ts';
import { createStatusLookupAnswer } from '../src/status/status-lookup-answer.ts';
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

/** The form with its outcome: the ticket's status once the merchant proved it is theirs. */
export function createStatusLookupForm(deps: { lookup: StatusLookup }): FormWithOutcome {
  return { definition: STATUS_LOOKUP_FORM, onComplete: createStatusLookupAnswer(deps.lookup) };
}
