/**
 * "What's the status of my request?" from a conversation that did not file it: the merchant
 * proves the ticket is theirs (ticket number + last four digits of its phone), then hears its
 * status. A second form on the same engine; messages in locales/<lng>/status.json.
 */
import type { FormDefinition } from '../src/engine/form-definition.ts';
import type { StatusLookup } from '../src/status/status-lookup.ts';
import { phoneLast4Schema, ticketIdSchema } from '../src/validation/fields.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

export const STATUS_LOOKUP_FORM_ID = 'statusLookup';

export function createStatusLookupForm(deps: { lookup: StatusLookup }): FormDefinition {
  return {
    id: STATUS_LOOKUP_FORM_ID,
    vocabulary: FORM_VOCABULARY,
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
    async complete(values, context) {
      const result = await deps.lookup.lookup(
        `${context.channel}/${context.conversationId}`,
        String(values.ticketId),
        String(values.phoneLast4),
      );
      if (result.ok) {
        await context.say('status:found', {
          id: result.ticket.id,
          status: context.translate(`bot:status.name.${result.ticket.status}`),
        });
      } else if (result.reason === 'throttled') {
        await context.say('status:throttled', { minutes: Math.ceil(result.retryAfterSeconds / 60) });
      } else {
        await context.say('status:noMatch');
      }
      return {};
    },
  };
}
