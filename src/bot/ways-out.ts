/**
 * The ways out of a request, and back in: cancelling a form (asked first when it holds answers),
 * withdrawing a filed ticket nobody has decided yet (asked first), and applying again after a
 * rejection or a withdrawal with the last answers filled in. The questions are one-question forms
 * (dialogs/confirmations.ts) on the dialog stack, so they survive restarts on every channel.
 */
import type { TurnContext } from 'botbuilder';
import {
  type DialogContext,
  type DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { CANCEL_CONFIRMATION_FORM, WITHDRAW_CONFIRMATION_FORM } from '../../dialogs/confirmations.ts';
import { DeskError, type SupportDesk, WITHDRAWABLE_STATUSES } from '../desk/support-desk.ts';
import type { FormCompletionContext, FormOutcome, SlotValues } from '../engine/form-definition.ts';
import { FormDialog, type FormDialogServices, type FormResult } from '../engine/form-dialog.ts';
import { summarySlots } from '../engine/form-summary.ts';
import { sendReply } from '../engine/send-reply.ts';
import { t } from '../i18n/translate.ts';
import type { Ticket, TicketStatus } from '../validation/ticket.ts';
import { localeOf } from './turn-locale.ts';

/** Holds the cancel question above the form it would cancel: "yes" ends them all, "no" resumes the form. */
const CANCEL_FLOW = 'cancelFlow';

/** After these, a merchant may apply again with the same answers. */
const REAPPLIABLE: readonly TicketStatus[] = ['rejected', 'cancelled'];

export interface WaysOutDeps {
  desk: SupportDesk;
  /** The unbind request: what re-applying starts. */
  formDialog: FormDialog;
  /** The form's values for a filed ticket. */
  formValuesOf: (ticket: Ticket) => SlotValues;
  services: FormDialogServices;
}

/** Who withdraws, and how to answer them. */
interface Withdrawer {
  channel: string;
  conversationId: string;
  userId: string;
  say: FormCompletionContext['say'];
  translate: FormCompletionContext['translate'];
}

export class WaysOut {
  private readonly cancelConfirmation: FormDialog;
  private readonly withdrawConfirmation: FormDialog;
  private readonly cancelFlow: WaterfallDialog;

  constructor(private readonly deps: WaysOutDeps) {
    this.cancelConfirmation = new FormDialog(
      {
        definition: CANCEL_CONFIRMATION_FORM,
        onComplete: async (_values, context) => {
          await context.say('bot:cancelled', undefined, [context.translate('bot:action.start')]);
          return {};
        },
      },
      deps.services,
    );
    this.withdrawConfirmation = new FormDialog(
      {
        definition: WITHDRAW_CONFIRMATION_FORM,
        onComplete: (values, context) => this.withdraw(String(values.ticketId), context),
      },
      deps.services,
    );
    this.cancelFlow = new WaterfallDialog(CANCEL_FLOW, [
      (step) => step.beginDialog(this.cancelConfirmation.id),
      (step) => this.afterCancelQuestion(step),
    ]);
  }

  /** The confirmation forms, for the bot to read the merchant's answers in their words. */
  get confirmationForms(): FormDialog[] {
    return [this.cancelConfirmation, this.withdrawConfirmation];
  }

  addTo(dialogs: DialogSet): void {
    dialogs.add(this.cancelConfirmation).add(this.withdrawConfirmation).add(this.cancelFlow);
  }

  /** Whether the merchant is being asked one of these questions. */
  isConfirming(dc: DialogContext): boolean {
    const id = dc.activeDialog?.id;
    return id === this.cancelConfirmation.id || id === this.withdrawConfirmation.id;
  }

  /**
   * "取消" / "撤回": in a form, cancel it (asking first when it holds answers); outside any form,
   * offer to withdraw the newest ticket not yet decided, or say why there is nothing to withdraw.
   */
  async cancel(dc: DialogContext, activeForm: FormDialog | undefined): Promise<void> {
    const locale = localeOf(dc.context);
    if (dc.activeDialog) {
      const values = FormDialog.values(dc.activeDialog);
      // Consent and other hidden answers are not worth a question: nothing the merchant typed is lost.
      const holdsAnswers =
        activeForm !== undefined &&
        summarySlots(activeForm.form, values).some((slot) => values[slot.name] !== undefined);
      if (holdsAnswers) {
        await dc.beginDialog(CANCEL_FLOW);
        return;
      }
      await dc.cancelAllDialogs();
      await sendReply(dc.context, t(locale, 'bot:cancelled'), [t(locale, 'bot:action.start')]);
      return;
    }
    const { activity } = dc.context;
    const tickets = await this.deps.desk.listTickets({
      channel: activity.channelId,
      conversationId: activity.conversation.id,
    });
    const open = tickets.filter((ticket) => WITHDRAWABLE_STATUSES.includes(ticket.status)).at(-1);
    if (open) {
      const status = t(locale, `bot:status.name.${open.status}`);
      await sendReply(dc.context, t(locale, 'bot:withdraw.intro', { id: open.id, status }));
      await dc.beginDialog(this.withdrawConfirmation.id, { values: { ticketId: open.id } });
      return;
    }
    const last = tickets.at(-1);
    if (last) {
      await sendReply(dc.context, t(locale, `bot:withdraw.notWithdrawable.${last.status}`, { id: last.id }), [
        t(locale, REAPPLIABLE.includes(last.status) ? 'bot:action.reapply' : 'bot:action.status'),
      ]);
      return;
    }
    await sendReply(dc.context, t(locale, 'bot:nothingToCancel'), [t(locale, 'bot:action.start')]);
  }

  /**
   * A command while one of these questions is pending. The cancel words themselves ("取消",
   * "撤回") confirm; a language switch is the bot's; anything else asks the question again.
   */
  async onCommandWhileConfirming(dc: DialogContext, saidCancelWords: boolean): Promise<void> {
    if (!saidCancelWords) {
      await dc.repromptDialog();
      return;
    }
    if (dc.activeDialog?.id === this.withdrawConfirmation.id) {
      const ticketId = String(FormDialog.values(dc.activeDialog).ticketId);
      await this.withdraw(ticketId, this.withdrawerOf(dc.context));
      await dc.endDialog();
      return;
    }
    await dc.cancelAllDialogs();
    const locale = localeOf(dc.context);
    await sendReply(dc.context, t(locale, 'bot:cancelled'), [t(locale, 'bot:action.start')]);
  }

  /** The newest ticket filed from this conversation, if any. */
  async lastTicket(ticketIds: readonly string[] | undefined): Promise<Ticket | undefined> {
    const id = ticketIds?.at(-1);
    return id ? this.deps.desk.getTicket(id) : undefined;
  }

  /** Whether a new request should start from this ticket's answers. */
  canReapplyFrom(ticket: Ticket | undefined): boolean {
    return ticket !== undefined && REAPPLIABLE.includes(ticket.status);
  }

  /**
   * "重新申请": after a rejection or a withdrawal, a new request with the last answers, straight to
   * the summary to confirm or change; while the last one is still under review, says so and offers
   * withdrawal or status. Returns false when there is nothing to re-apply from (start afresh).
   */
  async reapply(dc: DialogContext, last: Ticket | undefined): Promise<boolean> {
    const locale = localeOf(dc.context);
    if (last && WITHDRAWABLE_STATUSES.includes(last.status) && last.status !== 'changes_requested') {
      const status = t(locale, `bot:status.name.${last.status}`);
      await sendReply(dc.context, t(locale, 'bot:reapply.stillOpen', { id: last.id, status }), [
        t(locale, 'bot:action.withdraw'),
        t(locale, 'bot:action.status'),
      ]);
      return true;
    }
    if (!last || !this.canReapplyFrom(last)) return false;
    await sendReply(dc.context, t(locale, 'bot:reapply.prefilled', { id: last.id }));
    await dc.beginDialog(this.deps.formDialog.id, { values: this.deps.formValuesOf(last) });
    return true;
  }

  /** The merchant said yes to withdrawing: the desk records it once, however often this runs. */
  private async withdraw(ticketId: string, who: Withdrawer): Promise<FormOutcome> {
    const ticket = await this.deps.desk.getTicket(ticketId);
    // The id came from this conversation's own tickets; anything else is not theirs to withdraw.
    if (!ticket || ticket.channel !== who.channel || ticket.conversationId !== who.conversationId) {
      await who.say('bot:withdraw.notFound');
      return {};
    }
    try {
      const withdrawn = await this.deps.desk.withdraw(ticket.id, `merchant:${who.userId}`);
      await who.say('bot:withdraw.done', { id: withdrawn.id }, [who.translate('bot:action.reapply')]);
    } catch (error) {
      // A reviewer decided it between the question and the answer.
      if (!(error instanceof DeskError) || error.code !== 'invalid_transition') throw error;
      const current = await this.deps.desk.getTicket(ticket.id);
      await who.say(`bot:withdraw.notWithdrawable.${current?.status ?? ticket.status}`, { id: ticket.id });
    }
    return {};
  }

  private withdrawerOf(context: TurnContext): Withdrawer {
    const locale = localeOf(context);
    return {
      channel: context.activity.channelId,
      conversationId: context.activity.conversation.id,
      userId: context.activity.from.id,
      say: (key, vars, actions) => sendReply(context, t(locale, key, vars), actions),
      translate: (key, vars) => t(locale, key, vars),
    };
  }

  /** "Yes" (completed) ends every dialog, the cancelled form's included; "no" resumes the form below. */
  private async afterCancelQuestion(step: WaterfallStepContext) {
    const result = step.result as FormResult | undefined;
    if (result?.status !== 'completed') return step.endDialog();
    await step.cancelAllDialogs();
    return { status: DialogTurnStatus.cancelled };
  }
}
