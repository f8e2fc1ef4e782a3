import { MessageFactory, type TurnContext } from 'botbuilder';

/** Sends one message, with suggested actions as buttons where the channel has them. */
export async function sendReply(context: TurnContext, text: string, actions: string[] = []): Promise<void> {
  await context.sendActivity(
    actions.length > 0 ? MessageFactory.suggestedActions(actions, text) : MessageFactory.text(text),
  );
}
