/**
 * The assistant's turn logic: picks the conversation's language, handles the commands that
 * work at any step (one place for interruptions), and otherwise lets the form dialog run.
 * State is loaded and saved once per turn through version-checked storage.
 */
import {
  ActivityHandler,
  type Attachment,
  ConversationState,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import { type DialogContext, DialogSet, type DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { CALLBACK_PHONE_FORM } from '../../dialogs/callback-phone.ts';
import { findFaqTopic } from '../../dialogs/faq.ts';
import { COMMANDS, type CommandName } from '../../dialogs/vocabulary.ts';
import { DESK_DECISION_EVENT } from '../conversation/decision-notices.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import { createCommandRecognizer } from '../engine/answer-matching.ts';
import type { ChoiceSlot, FormWithOutcome, SlotValues } from '../engine/form-definition.ts';
import { FormDialog, type FormResult } from '../engine/form-dialog.ts';
import { sendReply } from '../engine/send-reply.ts';
import type { FoundEntity } from '../engine/slot-mappings.ts';
import type { QueueReason } from '../handoff/handoff-records.ts';
import { type FillFieldEvent, HANDOFF_EVENTS } from '../handoff/turn-handoff.ts';
import { t } from '../i18n/translate.ts';
import type { DailyQuota } from '../limits/daily-quota.ts';
import { CHOICE_CONFIDENT_AT, type ChoiceUnderstanding, type LanguageUnderstanding } from '../nlu/index.ts';
import type { IdGenerator } from '../platform/clock-and-ids.ts';
import type { Logger } from '../platform/logger.ts';
import { DOCUMENT_ID, documentSchema } from '../validation/fields.ts';
import type { Locale, Ticket } from '../validation/ticket.ts';
import { handoffOf } from './bot-turn-runner.ts';
import { interpretMessage } from './message-interpreter.ts';
import { type AgentAvailability, TicketFollowUp } from './ticket-follow-up.ts';
import { type ConversationProfile, chooseLocale, localeOf, setTurnLocale } from './turn-locale.ts';
import { WaysOut } from './ways-out.ts';

/** Longer messages are refused politely: the longest answer is a 2,048-character link. */
export const MAX_MESSAGE_CHARS = 2500;

interface TurnState {
  conversationState: ConversationState;
  profile: StatePropertyAccessor<ConversationProfile>;
  dialogs: DialogSet;
}

const TURN_STATE = Symbol('assistant turn state');

/**
 * The documents a message carries (bot-turn-runner.ts puts the document store's references on the
 * activity), as entities of type `document`: the form's document slots map from them. They have no
 * written span: they are not in the words.
 */
function documentEntities(attachments: readonly Attachment[] | undefined): FoundEntity[] {
  return (attachments ?? []).flatMap((attachment) => {
    const reference = documentSchema.safeParse(attachment.contentUrl ?? '');
    const stored = typeof attachment.name === 'string' && DOCUMENT_ID.test(attachment.name);
    return stored && reference.success ? [{ type: 'document', value: reference.data }] : [];
  });
}

export interface AssistantBotDeps {
  /** Storage for one turn's state: a fresh view per turn, staging its writes in the turn's transaction. */
  turnStorage: (context: TurnContext) => Storage;
  desk: SupportDesk;
  /** The unbind request, whose outcome files the ticket. */
  form: FormWithOutcome;
  /** Asks for a ticket number and phone digits, for status from a conversation that filed nothing. */
  statusLookupForm: FormWithOutcome;
  /** The form's values for a filed ticket, to correct the fields a reviewer named. */
  formValuesOf: (ticket: Ticket) => SlotValues;
  understanding: LanguageUnderstanding;
  /** What merchants' own words for a choice mean ("生意做不下去了" → relocation or closure). */
  choices: ChoiceUnderstanding;
  ids: IdGenerator;
  logger: Logger;
  /** Call-back requests a conversation may file per day. */
  callbacksPerDay: DailyQuota;
  /** Agents and their hours: with them, 「人工」 queues the conversation for a person. */
  agents?: AgentAvailability;
  /** Why the form's answers so far call for an agent to look (a lost device), if they do. */
  listsForAgents?: (values: SlotValues) => QueueReason | undefined;
}

export class AssistantBot extends ActivityHandler {
  private readonly formDialog: FormDialog;
  private readonly statusLookupDialog: FormDialog;
  private readonly callbackPhoneDialog: FormDialog;
  private readonly formDialogs: Map<string, FormDialog>;
  private readonly followUp: TicketFollowUp;
  private readonly waysOut: WaysOut;
  private readonly recognizeCommand = createCommandRecognizer(COMMANDS);

  constructor(private readonly deps: AssistantBotDeps) {
    super();
    const services = {
      localeOf: (context: TurnContext) => localeOf(context),
      understandChoice: (slot: ChoiceSlot, text: string, locale: Locale) => {
        const guess = deps.choices.questions.includes(slot.name)
          ? deps.choices.classify(slot.name, text, locale)
          : undefined;
        return guess && guess.confidence >= CHOICE_CONFIDENT_AT ? guess.value : undefined;
      },
      newRunId: () => deps.ids.next(),
      reportError: (error: unknown, code: string) => deps.logger.error({ err: error, code }, 'form error'),
    };
    this.formDialog = new FormDialog(deps.form, services);
    this.statusLookupDialog = new FormDialog(deps.statusLookupForm, services);
    this.callbackPhoneDialog = new FormDialog(
      {
        definition: CALLBACK_PHONE_FORM,
        onComplete: (values, context) => this.followUp.fileCallbackWithPhone(values, context),
      },
      services,
    );
    this.waysOut = new WaysOut({
      desk: deps.desk,
      formDialog: this.formDialog,
      formValuesOf: deps.formValuesOf,
      services,
    });
    this.formDialogs = new Map(
      [this.formDialog, this.statusLookupDialog, this.callbackPhoneDialog, ...this.waysOut.confirmationForms].map(
        (d) => [d.id, d],
      ),
    );
    this.followUp = new TicketFollowUp({
      desk: deps.desk,
      form: deps.form.definition,
      formDialog: this.formDialog,
      statusLookupDialog: this.statusLookupDialog,
      formValuesOf: deps.formValuesOf,
      callbacksPerDay: deps.callbacksPerDay,
      callbackPhoneDialog: this.callbackPhoneDialog,
      ...(deps.agents ? { agents: deps.agents } : {}),
    });
    this.onMessage(async (context, next) => {
      await this.onMerchantMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === DESK_DECISION_EVENT) await this.onDeskDecision(context);
      else if (context.activity.name === HANDOFF_EVENTS.handback) await this.onHandedBack(context);
      else if (context.activity.name === HANDOFF_EVENTS.fillField) await this.onFieldFilledByAgent(context);
      await next();
    });
  }

  /** Runs one turn with freshly loaded state, and saves it (version-checked) at the end. */
  override async run(context: TurnContext): Promise<void> {
    const conversationState = new ConversationState(this.deps.turnStorage(context));
    const dialogs = new DialogSet(conversationState.createProperty<DialogState>('dialogs'));
    dialogs.add(this.formDialog).add(this.statusLookupDialog).add(this.callbackPhoneDialog);
    this.waysOut.addTo(dialogs);
    const turn: TurnState = { conversationState, profile: conversationState.createProperty('profile'), dialogs };
    context.turnState.set(TURN_STATE, turn);
    await super.run(context);
    await this.listForAgentsIfNeeded(context, turn);
    await conversationState.saveChanges(context);
  }

  /** A lost device, say: agents see the conversation in their queue while the bot carries on. */
  private async listForAgentsIfNeeded(context: TurnContext, turn: TurnState): Promise<void> {
    const handoff = handoffOf(context);
    if (!handoff || !this.deps.listsForAgents || !this.deps.agents?.agentsConfigured) return;
    const dc = await turn.dialogs.createContext(context);
    const form = dc.stack.find((instance) => instance.id === this.formDialog.id);
    const reason = form && this.deps.listsForAgents(FormDialog.values(form));
    if (!reason) return;
    const profile = await turn.profile.get(context, {});
    handoff.list(reason, profile.locale ?? localeOf(context));
  }

  /** An agent handed the conversation back: the bot says so and asks the pending question. */
  private async onHandedBack(context: TurnContext): Promise<void> {
    const turn = context.turnState.get(TURN_STATE) as TurnState;
    const profile = await turn.profile.get(context, {});
    const locale = profile.locale ?? localeOf(context);
    setTurnLocale(context, locale);
    await sendReply(context, t(locale, 'handoff:handedBack'));
    await this.repromptOrIdle(await turn.dialogs.createContext(context));
  }

  /** An agent filled a field for the merchant (checked by the agent route first): stored quietly. */
  private async onFieldFilledByAgent(context: TurnContext): Promise<void> {
    const turn = context.turnState.get(TURN_STATE) as TurnState;
    const { name, value } = context.activity.value as FillFieldEvent;
    const dc = await turn.dialogs.createContext(context);
    const form = dc.stack.find((instance) => instance.id === this.formDialog.id);
    if (form) this.formDialog.fillQuietly(form, name, value);
  }

  /** Checks an answer for a field of the unbind form by its own rule (for an agent filling it). */
  checkFormAnswer(name: string, text: string, locale: Locale) {
    return this.formDialog.checkAnswer(name, text, locale);
  }

  /** The unbind form's id: where its answers are in the stored dialog stack. */
  get formId(): string {
    return this.formDialog.id;
  }

  private async onMerchantMessage(context: TurnContext): Promise<void> {
    const turn = context.turnState.get(TURN_STATE) as TurnState;
    const profile = await turn.profile.get(context, {});
    const text = context.activity.text ?? '';
    const locale = chooseLocale(profile, text, context.activity.locale);
    setTurnLocale(context, locale);
    const dc = await turn.dialogs.createContext(context);

    const documents = documentEntities(context.activity.attachments);
    if ((text.trim() === '' && documents.length === 0) || [...text].length > MAX_MESSAGE_CHARS) {
      const key = text.trim() === '' ? 'bot:emptyMessage' : 'bot:tooLong';
      await sendReply(context, t(locale, key, { max: MAX_MESSAGE_CHARS }));
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }
    profile.locale = locale;
    const active = dc.activeDialog;
    const form = this.activeForm(dc);
    const meaning = interpretMessage(text, locale, this.deps.understanding, {
      recognizeCommand: this.recognizeCommand,
      form: active && form?.position(active, locale),
      starting: this.formDialog.startingPosition(locale),
      documents,
    });
    switch (meaning.kind) {
      case 'command':
        if (this.waysOut.isConfirming(dc) && meaning.command !== 'english' && meaning.command !== 'chinese') {
          // Only the cancel words themselves confirm: an intent read into other words might not mean it.
          return this.waysOut.onCommandWhileConfirming(dc, this.recognizeCommand(text) === 'cancel');
        }
        return this.onGlobalCommand(meaning.command, dc, profile);
      case 'answer':
        if (active) this.afterForm(profile, await dc.continueDialog());
        return;
      case 'correction':
        if (form) this.afterForm(profile, await form.correct(dc, meaning.slot, meaning.valueText));
        return;
      case 'fill':
        if (form) this.afterForm(profile, await form.fill(dc, meaning.reading));
        return;
      case 'outOfScope':
        await sendReply(context, t(locale, 'bot:outOfScope'), [
          t(locale, 'bot:action.start'),
          t(locale, 'bot:action.human'),
        ]);
        if (dc.activeDialog) await dc.repromptDialog();
        return;
      case 'faq':
        return this.answerQuestion(dc, text);
      case 'smallTalk':
        await sendReply(context, t(locale, `bot:smallTalk.${meaning.intent}`));
        if (dc.activeDialog) return dc.repromptDialog();
        return this.onIdleMessage(dc, profile, { otherwise: 'idle' });
      case 'idle':
        return this.onIdleMessage(dc, profile, { otherwise: 'idle' });
      case 'start':
        return this.onIdleMessage(dc, profile, { prefill: meaning.prefill, otherwise: 'idle' });
      case 'clarify':
        return this.onIdleMessage(dc, profile, { otherwise: 'clarify' });
    }
  }

  /** A message outside any form: resume a correction, point to the filed ticket, start, or ask. */
  private async onIdleMessage(
    dc: DialogContext,
    profile: ConversationProfile,
    { prefill, otherwise }: { prefill?: SlotValues; otherwise: 'idle' | 'clarify' },
  ): Promise<void> {
    const locale = localeOf(dc.context);
    const last = await this.waysOut.lastTicket(profile.ticketIds);
    if (last?.status === 'changes_requested') {
      await this.followUp.startCorrection(dc, last, last.history.at(-1)?.fields ?? []);
      return;
    }
    // Details of a device in the message mean a new request; otherwise a merchant who already
    // filed most likely repeats themselves ("确认提交" again).
    const hasDetails = prefill !== undefined && Object.keys(prefill).length > 0;
    if (last && !hasDetails) {
      // After a rejection or a withdrawal nothing is pending: asking to unbind applies again.
      if (this.waysOut.canReapplyFrom(last)) {
        if (prefill) return this.startForm(dc, profile);
        const status = t(locale, `bot:status.name.${last.status}`);
        await sendReply(dc.context, t(locale, 'bot:reapply.offer', { id: last.id, status }), [
          t(locale, 'bot:action.reapply'),
          t(locale, 'bot:action.status'),
          t(locale, 'bot:action.human'),
        ]);
        return;
      }
      await sendReply(dc.context, t(locale, 'bot:alreadyFiled', { id: last.id }), [t(locale, 'bot:action.newRequest')]);
      return;
    }
    if (prefill) return this.startForm(dc, profile, prefill);
    await sendReply(dc.context, t(locale, otherwise === 'clarify' ? 'bot:clarify' : 'bot:idle'), [
      t(locale, 'bot:action.start'),
      t(locale, 'bot:action.status'),
      t(locale, 'bot:action.human'),
    ]);
  }

  /** Answers a question from the FAQ, then returns to the pending question. */
  private async answerQuestion(dc: DialogContext, question: string): Promise<void> {
    const locale = localeOf(dc.context);
    const topic = findFaqTopic(question);
    await sendReply(dc.context, t(locale, `faq:answer.${topic?.id ?? 'topics'}`));
    if (dc.activeDialog) {
      await sendReply(dc.context, t(locale, 'faq:backToQuestion'));
      await dc.repromptDialog();
    }
  }

  private async onGlobalCommand(command: CommandName, dc: DialogContext, profile: ConversationProfile): Promise<void> {
    const { context } = dc;
    const locale = localeOf(context);
    switch (command) {
      case 'english':
      case 'chinese': {
        const chosen: Locale = command === 'english' ? 'en-US' : 'zh-CN';
        profile.locale = chosen;
        profile.localeChosen = true;
        setTurnLocale(context, chosen);
        await sendReply(context, t(chosen, 'bot:languageSwitched'));
        return this.repromptOrIdle(dc);
      }
      case 'cancel':
        return this.waysOut.cancel(dc, this.activeForm(dc));
      case 'restart': {
        // The form the merchant is in starts over; outside any form, the unbind request starts.
        const form = this.activeForm(dc) ?? this.formDialog;
        await dc.cancelAllDialogs();
        await sendReply(context, t(locale, 'bot:restarted'));
        this.afterForm(profile, await dc.beginDialog(form.id));
        return;
      }
      case 'back': {
        const form = this.activeForm(dc);
        if (!form) return this.repromptOrIdle(dc);
        await form.goBack(dc);
        return;
      }
      case 'help':
        await sendReply(context, t(locale, this.activeForm(dc)?.form.help ?? 'bot:help'));
        return this.repromptOrIdle(dc);
      case 'human': {
        const outcome = await this.followUp.requestPerson(dc, profile);
        // Queued: the bot falls silent; asking the phone: that question is the pending one.
        if ((outcome === 'filed' || outcome === 'refused') && dc.activeDialog) await dc.repromptDialog();
        return;
      }
      case 'status': {
        const before = dc.activeDialog;
        await this.followUp.reportStatus(dc, profile);
        if (dc.activeDialog && dc.activeDialog === before) await dc.repromptDialog();
        return;
      }
      case 'start':
      case 'reapply':
        if (dc.activeDialog) {
          await sendReply(context, t(locale, 'bot:alreadyInForm'));
          return dc.repromptDialog();
        }
        return this.startForm(dc, profile, undefined, command);
    }
  }

  /**
   * Starts the unbind request: after a rejection or a withdrawal, with the last answers to confirm
   * or change; "重新申请" while the last request is under review explains that instead. A request
   * for another device ("新申请", "解绑") starts afresh while the last one is still open.
   */
  private async startForm(
    dc: DialogContext,
    profile: ConversationProfile,
    prefill?: SlotValues,
    command: 'start' | 'reapply' = 'start',
  ): Promise<void> {
    if (!prefill) {
      const last = await this.waysOut.lastTicket(profile.ticketIds);
      // Sent back for changes: applying again means correcting the fields the reviewer named.
      if (command === 'reapply' && last?.status === 'changes_requested') {
        return this.followUp.startCorrection(dc, last, last.history.at(-1)?.fields ?? []);
      }
      if ((command === 'reapply' || this.waysOut.canReapplyFrom(last)) && (await this.waysOut.reapply(dc, last)))
        return;
    }
    await sendReply(dc.context, t(localeOf(dc.context), 'bot:welcome'));
    this.afterForm(profile, await dc.beginDialog(this.formDialog.id, prefill ? { prefill } : undefined));
  }

  /** Remembers the ticket a completed form filed. */
  private afterForm(profile: ConversationProfile, result: { status: DialogTurnStatus; result?: unknown }): void {
    if (result.status !== DialogTurnStatus.complete) return;
    const formResult = result.result as FormResult | undefined;
    const reference = formResult?.status === 'completed' ? formResult.outcome.reference : undefined;
    if (reference && !profile.ticketIds?.includes(reference))
      profile.ticketIds = [...(profile.ticketIds ?? []), reference];
  }

  /** A reviewer decided: tell the merchant (in their language), and start any correction. */
  private async onDeskDecision(context: TurnContext): Promise<void> {
    const turn = context.turnState.get(TURN_STATE) as TurnState;
    const profile = await turn.profile.get(context, {});
    await this.followUp.tellDecision(await turn.dialogs.createContext(context), profile, context.activity.value);
  }

  /** The form the merchant is in: the one on top of the dialog stack (a correction, a status lookup…). */
  private activeForm(dc: DialogContext): FormDialog | undefined {
    return dc.activeDialog ? this.formDialogs.get(dc.activeDialog.id) : undefined;
  }

  private async repromptOrIdle(dc: DialogContext): Promise<void> {
    if (dc.activeDialog) return dc.repromptDialog();
    const locale = localeOf(dc.context);
    await sendReply(dc.context, t(locale, 'bot:idle'), [t(locale, 'bot:action.start')]);
  }
}
