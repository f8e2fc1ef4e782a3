/**
 * What happens around a filed ticket: the reviewer's decision told to the merchant, the
 * correction of the fields they named, status questions, and call-back requests.
 */
import type { DialogContext } from 'botbuilder-dialogs';
import type { DeskDecisionNotice } from '../conversation/decision-notices.ts';
import type { SupportDesk } from '../desk/support-desk.ts';
import type { FormCompletionContext, FormDefinition, FormOutcome, SlotValues } from '../engine/form-definition.ts';
import { FormDialog, MAX_TRIES_BEFORE_OFFER } from '../engine/form-dialog.ts';
import { sendReply } from '../engine/send-reply.ts';
import type { BusinessHours } from '../handoff/business-hours.ts';
import { t } from '../i18n/translate.ts';
import type { DailyQuota } from '../limits/daily-quota.ts';
import { extractEntities } from '../nlu/entities.ts';
import type { Clock } from '../platform/clock-and-ids.ts';
import type { Locale, Ticket } from '../validation/ticket.ts';
import { handoffOf } from './bot-turn-runner.ts';
import { type ConversationProfile, localeOf, setTurnLocale } from './turn-locale.ts';

/** Whether agents can take conversations over, and when they are at the desk. */
export interface AgentAvailability {
  /** Some agent is configured (AGENT_TOKENS); without any, a request for a person files a call-back. */
  agentsConfigured: boolean;
  businessHours: BusinessHours;
  clock: Clock;
}

/** What asking for a person led to. */
export type PersonRequest = 'queued' | 'filed' | 'askingPhone' | 'refused';

export interface TicketFollowUpDeps {
  desk: SupportDesk;
  form: FormDefinition;
  formDialog: FormDialog;
  statusLookupDialog: FormDialog;
  /** The form's values for a filed ticket, to correct the fields a reviewer named. */
  formValuesOf: (ticket: Ticket) => SlotValues;
  /** Call-back requests a conversation may file per day. */
  callbacksPerDay: DailyQuota;
  /** Asks the phone number for a call-back outside business hours. */
  callbackPhoneDialog: FormDialog;
  agents?: AgentAvailability;
}

export class TicketFollowUp {
  constructor(private readonly deps: TicketFollowUpDeps) {}

  /** Tells the decision in the merchant's language; for changes, starts correcting just those fields. */
  async tellDecision(dc: DialogContext, profile: ConversationProfile, value: unknown): Promise<void> {
    const notice = value as DeskDecisionNotice;
    const ticket = await this.deps.desk.getTicket(notice.ticketId);
    if (!ticket) return;
    const locale = profile.locale ?? ticket.locale;
    setTurnLocale(dc.context, locale);
    const fields = notice.fields ?? [];
    const message = t(locale, `unbind:decision.${notice.decision}`, {
      id: ticket.id,
      note: notice.note ?? '',
      fields: this.fieldList(fields, locale),
    });
    await sendReply(dc.context, message);
    if (notice.decision === 'request_changes') await this.startCorrection(dc, ticket, fields);
  }

  /** Asks again only the named fields of a filed ticket, on top of whatever the merchant was doing. */
  async startCorrection(dc: DialogContext, ticket: Ticket, fields: string[]): Promise<void> {
    await dc.beginDialog(this.deps.formDialog.id, {
      values: this.deps.formValuesOf(ticket),
      revise: { reference: ticket.id, ask: fields },
    });
  }

  /** The status of the tickets filed from this conversation, straight from the desk. */
  async reportStatus(dc: DialogContext, profile: ConversationProfile): Promise<void> {
    const locale = localeOf(dc.context);
    const { activity } = dc.context;
    const tickets = await this.deps.desk.listTickets({
      channel: activity.channelId,
      conversationId: activity.conversation.id,
    });
    if (tickets.length === 0 && !profile.ticketIds?.length) {
      // Mid-form, the next message is the pending answer: just say so. Otherwise the request may
      // have been filed from another chat, and the merchant can prove it is theirs.
      if (dc.activeDialog) {
        await sendReply(dc.context, t(locale, 'bot:status.none'));
        return;
      }
      // "UB-20261129-0002 尾号1234": what the message already says is not asked again.
      const text = activity.text ?? '';
      const prefill = this.deps.statusLookupDialog.startingPosition(locale).read(text, extractEntities(text)).values;
      await dc.beginDialog(this.deps.statusLookupDialog.id, { prefill });
      return;
    }
    const lines = tickets.map((ticket) =>
      t(locale, 'bot:status.line', { id: ticket.id, status: t(locale, `bot:status.name.${ticket.status}`) }),
    );
    await sendReply(dc.context, [t(locale, 'bot:status.title'), ...lines].join('\n'));
  }

  /**
   * 「人工」, or the call-back offered after three failed answers: inside business hours the
   * conversation is queued for an agent (the merchant hears their position); outside them a
   * call-back request is filed with the phone number, asked first when none is known yet. Without
   * any agent configured, a call-back request is filed as before agents existed.
   */
  async requestPerson(dc: DialogContext, profile: ConversationProfile): Promise<PersonRequest> {
    const agents = this.deps.agents;
    const handoff = handoffOf(dc.context);
    if (!agents?.agentsConfigured || !handoff) return this.requestCallback(dc, profile);
    const locale = localeOf(dc.context);
    if (agents.businessHours.isOpen(agents.clock.now())) {
      const stuck = FormDialog.tries(dc.activeDialog) >= MAX_TRIES_BEFORE_OFFER;
      const position = await handoff.queue(stuck ? 'stuck' : 'asked', locale);
      await sendReply(dc.context, t(locale, 'handoff:queued', { position }));
      return 'queued';
    }
    const phone = this.knownPhone(dc);
    if (phone) {
      return this.requestCallback(dc, profile, { phone, messageKey: 'handoff:callbackOutsideHours' });
    }
    if (dc.activeDialog?.id === this.deps.callbackPhoneDialog.id) {
      await dc.repromptDialog();
      return 'askingPhone';
    }
    await sendReply(dc.context, t(locale, 'handoff:outsideHours', { hours: agents.businessHours.hoursText }));
    await dc.beginDialog(this.deps.callbackPhoneDialog.id);
    return 'askingPhone';
  }

  /** The phone number the merchant gave in the unbind form, wherever it is on the dialog stack. */
  private knownPhone(dc: DialogContext): string | undefined {
    const form = dc.stack.find((instance) => instance.id === this.deps.formDialog.id);
    const phone = FormDialog.values(form).phone;
    return typeof phone === 'string' ? phone : undefined;
  }

  /**
   * Files a call-back request with what the merchant gave so far, idempotent per message; past
   * the day's limit, points to the request already filed instead.
   */
  async requestCallback(
    dc: DialogContext,
    profile: ConversationProfile,
    given: { phone?: string; messageKey?: string; filingKey?: string } = {},
  ): Promise<PersonRequest> {
    const { activity } = dc.context;
    const locale = localeOf(dc.context);
    const filingKey = given.filingKey ?? `${activity.conversation.id}:${activity.id}`;
    const address = { channel: activity.channelId, conversationId: activity.conversation.id };
    if (!(await this.deps.callbacksPerDay.admit(address, filingKey))) {
      const earlier = profile.lastCallbackId;
      const message = earlier
        ? t(locale, 'bot:limits.callbacksPerDay', { id: earlier })
        : t(locale, 'bot:limits.callbacksPerDayNoId', { max: this.deps.callbacksPerDay.perDay });
      await sendReply(dc.context, message);
      return 'refused';
    }
    const values = FormDialog.values(dc.activeDialog);
    const phone = given.phone ?? (typeof values.phone === 'string' ? values.phone : undefined);
    const slot = FormDialog.pendingSlot(dc.activeDialog);
    const callback = await this.deps.desk.requestCallback(
      {
        conversationId: activity.conversation.id,
        channel: activity.channelId,
        userId: activity.from.id,
        locale,
        reason: slot ? 'stuck_or_asked' : 'asked',
        slot,
        phone,
      },
      filingKey,
    );
    profile.lastCallbackId = callback.id;
    const key = given.messageKey ?? (phone ? 'bot:callbackFiled' : 'bot:callbackFiledNoPhone');
    await sendReply(dc.context, t(locale, key, { id: callback.id }));
    return 'filed';
  }

  /** The phone number asked outside business hours was given: file the call-back request with it. */
  async fileCallbackWithPhone(values: SlotValues, context: FormCompletionContext): Promise<FormOutcome> {
    // One request per run of the question, however often its answer is delivered.
    const filingKey = `${context.conversationId}:${context.runId}`;
    const address = { channel: context.channel, conversationId: context.conversationId };
    if (!(await this.deps.callbacksPerDay.admit(address, filingKey))) {
      await context.say('bot:limits.callbacksPerDayNoId', { max: this.deps.callbacksPerDay.perDay });
      return {};
    }
    const callback = await this.deps.desk.requestCallback(
      {
        conversationId: context.conversationId,
        channel: context.channel,
        userId: context.userId,
        locale: context.locale,
        reason: 'asked',
        phone: String(values.phone),
      },
      filingKey,
    );
    await context.say('handoff:callbackOutsideHours', { id: callback.id });
    return {};
  }

  /** "手机号和营业执照" / "Mobile number and Business licence", from the form's own labels. */
  private fieldList(fields: string[], locale: Locale): string {
    const labels = fields.map((name) => {
      const slot = this.deps.form.slots.find((s) => s.name === name);
      return slot ? t(locale, slot.label) : name;
    });
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(labels);
  }
}
