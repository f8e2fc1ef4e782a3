/**
 * What a Zendesk agent reads: the ticket's fields as a readable internal note (documents as
 * links, never raw JSON), in the desk team's language, with the labels the merchant saw in the
 * form (`unbind:label.*`), plus tags and optional custom fields for views and triggers.
 */
import { t } from '../../i18n/translate.ts';
import { type Locale, type Ticket, type TicketFields, ticketDocumentsSchema } from '../../validation/ticket.ts';
import { DECISION_RULES, DECISIONS, type Decision } from '../support-desk.ts';

/** Ticket values that can fill a Zendesk custom field. */
export const ZENDESK_CUSTOM_FIELD_SOURCES = [
  'ticketId',
  'sn',
  'merchantNo',
  'deviceCondition',
  'reason',
  'contactName',
  'phone',
  'channel',
] as const;
export type ZendeskCustomFieldSource = (typeof ZENDESK_CUSTOM_FIELD_SOURCES)[number];
/** Which Zendesk custom field id receives which value, e.g. `{ sn: 360001234567 }`. */
export type ZendeskCustomFieldIds = Partial<Record<ZendeskCustomFieldSource, number>>;

export const ZENDESK_BASE_TAG = 'pos-unbind';

/** Zendesk's status after each of our decisions: solved when final, pending while the merchant acts. */
const ZENDESK_STATUS_AFTER: Record<Decision, string> = {
  approve: 'solved',
  reject: 'solved',
  request_changes: 'pending',
};

/** The tag that marks a ticket with the status a decision took it to (`unbind-changes-requested`). */
function decisionTag(decision: Decision): string {
  return `unbind-${DECISION_RULES[decision].to.replaceAll('_', '-')}`;
}

/** The document links of a ticket, in the contract's order. */
const DOCUMENTS = ticketDocumentsSchema.keyof().options;

/** Dates as the desk team in China reads them. */
function deskTime(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(iso));
}

function line(locale: Locale, field: string, value: string): string {
  return t(locale, 'outbox:zendesk.line', { label: t(locale, `unbind:label.${field}`), value });
}

/** Every answer, one per line, then the document links. */
export function fieldsSummary(fields: TicketFields, locale: Locale): string {
  const yesNo = (value: boolean) => t(locale, value ? 'outbox:zendesk.yes' : 'outbox:zendesk.no');
  const lines = [
    line(locale, 'sn', fields.sn),
    line(locale, 'merchantNo', fields.merchantNo),
    line(locale, 'deviceCondition', t(locale, `unbind:condition.${fields.deviceCondition}`)),
    line(locale, 'reason', t(locale, `unbind:reason.${fields.reason}`)),
    ...(fields.reasonDetail ? [line(locale, 'reasonDetail', fields.reasonDetail)] : []),
    line(locale, 'contactName', fields.contactName),
    line(locale, 'phone', fields.phone),
    ...(fields.email ? [line(locale, 'email', fields.email)] : []),
    line(locale, 'involvesMinor', yesNo(fields.involvesMinor)),
    '',
    t(locale, 'outbox:zendesk.documents'),
    ...DOCUMENTS.flatMap((name) => {
      const url = fields.documents[name];
      return url ? [`- ${line(locale, name, url)}`] : [];
    }),
  ];
  return lines.join('\n');
}

function origin(ticket: Ticket, locale: Locale): string {
  return t(locale, 'outbox:zendesk.origin', {
    channel: ticket.channel,
    conversationId: ticket.conversationId,
    locale: ticket.locale,
    createdAt: deskTime(ticket.createdAt),
  });
}

export interface ZendeskTicketOptions {
  locale: Locale;
  customFieldIds?: ZendeskCustomFieldIds;
}

/** `POST /api/v2/tickets.json` body. Deterministic: a retry sends the same bytes, as Zendesk's idempotency requires. */
export function zendeskCreateBody(ticket: Ticket, options: ZendeskTicketOptions) {
  const { locale } = options;
  const { fields } = ticket;
  const values: Record<ZendeskCustomFieldSource, string> = {
    ticketId: ticket.id,
    sn: fields.sn,
    merchantNo: fields.merchantNo,
    deviceCondition: fields.deviceCondition,
    reason: fields.reason,
    contactName: fields.contactName,
    phone: fields.phone,
    channel: ticket.channel,
  };
  const customFields = ZENDESK_CUSTOM_FIELD_SOURCES.flatMap((source) => {
    const id = options.customFieldIds?.[source];
    return id === undefined ? [] : [{ id, value: values[source] }];
  });
  const body = [t(locale, 'outbox:zendesk.heading', { ticketId: ticket.id }), '', fieldsSummary(fields, locale)];
  return {
    ticket: {
      subject: t(locale, 'outbox:zendesk.subject', { ticketId: ticket.id, sn: fields.sn }),
      comment: { body: [...body, '', origin(ticket, locale)].join('\n'), public: false },
      requester: { name: fields.contactName, ...(fields.email ? { email: fields.email } : {}) },
      tags: [ZENDESK_BASE_TAG, fields.reason],
      ...(customFields.length > 0 ? { custom_fields: customFields } : {}),
      external_id: ticket.id,
    },
  };
}

/** `PUT /api/v2/tickets/{id}.json` body after a decision taken on our side (reviewer page, desk API). */
export function zendeskDecisionBody(
  decision: Decision,
  details: { note?: string; fields?: string[]; by: string },
  locale: Locale,
) {
  const tag = decisionTag(decision);
  const fieldNames = (details.fields ?? []).map((f) => t(locale, `unbind:label.${f}`)).join(', ');
  const lines = [
    t(locale, `outbox:zendesk.decided.${decision}`, { fields: fieldNames }),
    ...(details.note ? [t(locale, 'outbox:zendesk.note', { note: details.note })] : []),
    t(locale, 'outbox:zendesk.decidedBy', { by: details.by }),
  ];
  const others = DECISIONS.map(decisionTag).filter((other) => other !== tag);
  return {
    ticket: {
      comment: { body: lines.join('\n'), public: false },
      status: ZENDESK_STATUS_AFTER[decision],
      additional_tags: [tag],
      remove_tags: others,
    },
  };
}

/** `PUT` body after the merchant resubmitted: what changed, then every answer again (new links included). */
export function zendeskResubmitBody(ticket: Ticket, changed: readonly string[], locale: Locale) {
  const changedNames = changed.map((f) => t(locale, `unbind:label.${f}`)).join(', ');
  const body = [
    t(locale, 'outbox:zendesk.resubmitted', { changed: changedNames }),
    '',
    fieldsSummary(ticket.fields, locale),
  ];
  return {
    ticket: {
      comment: { body: body.join('\n'), public: false },
      status: 'open',
      additional_tags: ['unbind-resubmitted'],
      remove_tags: [decisionTag('request_changes')],
    },
  };
}

/** The tag of a ticket the merchant withdrew (its status is `cancelled` on our side). */
export const ZENDESK_WITHDRAWN_TAG = 'unbind-cancelled';

/**
 * `PUT` body after the merchant withdrew the request: solved (nothing left for an agent to do),
 * tagged, with a note saying so; decision tags removed, since no decision stands.
 */
export function zendeskWithdrawnBody(note: string | undefined, locale: Locale) {
  const lines = [
    t(locale, 'outbox:zendesk.withdrawn'),
    ...(note ? [t(locale, 'outbox:zendesk.withdrawnNote', { note })] : []),
  ];
  return {
    ticket: {
      comment: { body: lines.join('\n'), public: false },
      status: 'solved',
      additional_tags: [ZENDESK_WITHDRAWN_TAG],
      remove_tags: DECISIONS.map(decisionTag),
    },
  };
}
