/**
 * Tells the merchant about a reviewer's decision, unprompted: the decision becomes a proactive
 * turn of the bot in the ticket's conversation (serialised with the merchant's own messages, so
 * it can start the correction of the named fields), written to the proactive outbox in the same
 * commit as the decision itself. The item's key is the ticket's history position, so one
 * decision is told once.
 */
import type { TicketChangeRecorder } from '../desk/builtin-desk.ts';
import type { Decision } from '../desk/support-desk.ts';
import type { ProactiveDelivery } from './proactive-delivery.ts';

export const DESK_DECISION_EVENT = 'desk.decision';

export interface DeskDecisionNotice {
  ticketId: string;
  decision: Decision;
  note?: string;
  fields?: string[];
}

export function decisionNotices(proactive: ProactiveDelivery): TicketChangeRecorder {
  return async (event) => {
    if (event.type !== 'decided') return [];
    const { ticket } = event;
    const value: DeskDecisionNotice = {
      ticketId: ticket.id,
      decision: event.decision,
      ...(event.note ? { note: event.note } : {}),
      ...(event.fields ? { fields: event.fields } : {}),
    };
    const address = { channel: ticket.channel, conversationId: ticket.conversationId, userId: ticket.userId };
    return [
      await proactive.itemWrite(`decision/${ticket.id}/${ticket.history.length}`, {
        address,
        event: { name: DESK_DECISION_EVENT, value },
      }),
    ];
  };
}
