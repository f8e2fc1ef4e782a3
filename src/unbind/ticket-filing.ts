/**
 * The unbind form's outcome: the ticket filed with the support desk (once per run of the form,
 * whose id is the idempotency key), or the ticket a reviewer sent back resubmitted, and the
 * merchant told its number.
 */
import type { SupportDesk } from '../desk/support-desk.ts';
import type { FormOutcomeHandler, SlotValues } from '../engine/form-definition.ts';
import type { TicketFields } from '../validation/ticket.ts';

export interface TicketFilingDeps {
  desk: SupportDesk;
  /** The form's answers as the ticket's fields; throws when they do not make a valid ticket. */
  toTicketFields(values: SlotValues): TicketFields;
}

export function createTicketFiling(deps: TicketFilingDeps): FormOutcomeHandler {
  return async (values, context) => {
    const fields = deps.toTicketFields(values);
    if (context.revising) {
      const ticket = await deps.desk.resubmit(context.revising.reference, fields, `merchant:${context.userId}`);
      await context.say('unbind:resubmitted', { id: ticket.id });
      return { reference: ticket.id };
    }
    const ticket = await deps.desk.fileTicket(
      {
        conversationId: context.conversationId,
        channel: context.channel,
        userId: context.userId,
        locale: context.locale,
        fields,
      },
      `${context.conversationId}:${context.runId}`,
    );
    await context.say('unbind:ticketFiled', { id: ticket.id });
    return { reference: ticket.id };
  };
}
