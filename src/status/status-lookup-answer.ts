/**
 * The status lookup form's outcome: the ticket's status once the merchant has proved it is
 * theirs, otherwise the same answer whichever part was wrong, or how long to wait.
 */
import type { FormOutcomeHandler } from '../engine/form-definition.ts';
import type { StatusLookup } from './status-lookup.ts';

export function createStatusLookupAnswer(lookup: StatusLookup): FormOutcomeHandler {
  return async (values, context) => {
    const result = await lookup.lookup(
      { channel: context.channel, conversationId: context.conversationId },
      String(values.ticketIdOrSn),
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
  };
}
