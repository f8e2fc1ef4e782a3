/**
 * The unbind form's outcome: the ticket filed with the support desk (once per run of the form,
 * whose id is the idempotency key), or the ticket a reviewer sent back resubmitted, and the
 * merchant told its number. Past the conversation's daily limit nothing is filed and the
 * summary stays, to be confirmed another day.
 */
import type { SupportDesk } from '../desk/support-desk.ts';
import type { FormOutcomeHandler, SlotValues } from '../engine/form-definition.ts';
import type { DailyQuota } from '../limits/daily-quota.ts';
import type { TicketFields } from '../validation/ticket.ts';

export interface TicketFilingDeps {
  desk: SupportDesk;
  /** The form's answers as the ticket's fields; throws when they do not make a valid ticket. */
  toTicketFields(values: SlotValues): TicketFields;
  /** New tickets a conversation may file per day (a resubmission files nothing new). */
  ticketsPerDay: DailyQuota;
}

export function createTicketFiling(deps: TicketFilingDeps): FormOutcomeHandler {
  return async (values, context) => {
    const fields = deps.toTicketFields(values);
    if (context.revising) {
      const ticket = await deps.desk.resubmit(context.revising.reference, fields, `merchant:${context.userId}`);
      await context.say('unbind:resubmitted', { id: ticket.id });
      return { reference: ticket.id };
    }
    const filingKey = `${context.conversationId}:${context.runId}`;
    const address = { channel: context.channel, conversationId: context.conversationId };
    if (!(await deps.ticketsPerDay.admit(address, filingKey))) {
      await context.say('bot:limits.ticketsPerDay', { max: deps.ticketsPerDay.perDay }, [
        context.translate('bot:action.human'),
      ]);
      return { held: true };
    }
    const ticket = await deps.desk.fileTicket(
      {
        conversationId: context.conversationId,
        channel: context.channel,
        userId: context.userId,
        locale: context.locale,
        fields,
      },
      filingKey,
    );
    await context.say('unbind:ticketFiled', { id: ticket.id });
    return { reference: ticket.id };
  };
}
