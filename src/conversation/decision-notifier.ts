/**
 * Tells the merchant about a reviewer's decision, unprompted: the decision becomes a turn of the
 * bot in the ticket's conversation (so it is serialised with the merchant's own messages and can
 * start the correction of the named fields), and its replies are stored and pushed to the channel.
 * The turn's message id is derived from the ticket's history, so one decision is told once.
 */
import type { SupportDesk } from '../desk/support-desk.ts';
import type { Logger } from '../platform/logger.ts';
import type { ConversationEventHub } from './conversation-events.ts';
import type { ConversationRouter } from './messages.ts';

export const DESK_DECISION_EVENT = 'desk.decision';

export interface DeskDecisionNotice {
  ticketId: string;
  decision: 'approve' | 'reject' | 'request_changes';
  note?: string;
  fields?: string[];
}

export function notifyMerchantsOfDecisions(deps: {
  desk: SupportDesk;
  router: ConversationRouter;
  events: ConversationEventHub;
  logger: Logger;
}): () => void {
  return deps.desk.onTicketEvent(async (event) => {
    if (event.type !== 'decided') return;
    const { ticket } = event;
    const value: DeskDecisionNotice = {
      ticketId: ticket.id,
      decision: event.decision,
      ...(event.note ? { note: event.note } : {}),
      ...(event.fields ? { fields: event.fields } : {}),
    };
    const replies = await deps.router.handle({
      channel: ticket.channel,
      conversationId: ticket.conversationId,
      userId: ticket.userId,
      text: '',
      messageId: `${DESK_DECISION_EVENT}:${ticket.id}:${ticket.history.length}`,
      event: { name: DESK_DECISION_EVENT, value },
    });
    for (const reply of replies) await deps.events.publish(ticket.conversationId, reply);
    deps.logger.info({ code: 'merchant_notified', ticketId: ticket.id, decision: event.decision }, 'decision told');
  });
}
