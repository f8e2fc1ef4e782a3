/**
 * A botbuilder adapter for channels that answer within the request (web chat, console):
 * it runs one turn and hands back the replies the bot sent, instead of posting them anywhere.
 */
import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';

const REPLIES = Symbol('collected replies');

export class CollectingAdapter extends BotAdapter {
  /** Runs the bot on one inbound activity and returns its message replies, in order. */
  async process(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    const replies: Partial<Activity>[] = [];
    context.turnState.set(REPLIES, replies);
    await this.runMiddleware(context, logic);
    return replies;
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const replies = context.turnState.get(REPLIES) as Partial<Activity>[] | undefined;
    if (!replies) throw new Error('sendActivities outside a collected turn');
    const sent = activities.filter((a) => a.type === ActivityTypes.Message);
    replies.push(...sent);
    return sent.map((_, i) => ({ id: `${context.activity.id ?? 'turn'}:${replies.length - sent.length + i}` }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('updating a sent message is not supported on this channel');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('deleting a sent message is not supported on this channel');
  }

  async continueConversation(
    _reference: Partial<ConversationReference>,
    _logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    throw new Error(
      'proactive messages go through the proactive outbox to the channel (conversation/proactive-delivery.ts)',
    );
  }
}
