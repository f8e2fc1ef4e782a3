/**
 * The ticket contract (DESIGN.md): one schema, used by the form's completion, every desk and
 * the desk API. Field values reuse the field rules, so a ticket can only hold what a merchant
 * could have entered.
 */
import { z } from 'zod';
import {
  deviceConditionSchema,
  documentSchema,
  emailSchema,
  freeTextSchema,
  merchantNoSchema,
  personNameSchema,
  phoneSchema,
  reasonSchema,
  snSchema,
} from './fields.ts';

export const ticketDocumentsSchema = z.object({
  businessLicense: documentSchema,
  legalRepIdFront: documentSchema,
  legalRepIdBack: documentSchema,
  newLegalRepId: documentSchema.optional(),
  guardianId: documentSchema.optional(),
  /** Required unless the device is lost (see ticketFieldsSchema): a lost device cannot be photographed. */
  devicePhoto: documentSchema.optional(),
  /** A lost device's police report or loss statement (报警回执或遗失声明), in place of its photo. */
  lossReport: documentSchema.optional(),
});

export const ticketFieldsSchema = z
  .object({
    sn: snSchema,
    merchantNo: merchantNoSchema,
    deviceCondition: deviceConditionSchema,
    reason: reasonSchema,
    reasonDetail: freeTextSchema.optional(),
    contactName: personNameSchema,
    phone: phoneSchema,
    email: emailSchema.optional(),
    involvesMinor: z.boolean(),
    documents: ticketDocumentsSchema,
  })
  .superRefine((fields, ctx) => {
    if (fields.reason === 'other' && !fields.reasonDetail) {
      ctx.addIssue({ code: 'custom', path: ['reasonDetail'], message: 'required' });
    }
    if (fields.reason === 'legal_rep_change' && !fields.documents.newLegalRepId) {
      ctx.addIssue({ code: 'custom', path: ['documents', 'newLegalRepId'], message: 'required' });
    }
    if (fields.involvesMinor && !fields.documents.guardianId) {
      ctx.addIssue({ code: 'custom', path: ['documents', 'guardianId'], message: 'required' });
    }
    if (fields.deviceCondition === 'lost' && !fields.documents.lossReport) {
      ctx.addIssue({ code: 'custom', path: ['documents', 'lossReport'], message: 'required' });
    }
    if (fields.deviceCondition !== 'lost' && !fields.documents.devicePhoto) {
      ctx.addIssue({ code: 'custom', path: ['documents', 'devicePhoto'], message: 'required' });
    }
  });
export type TicketFields = z.output<typeof ticketFieldsSchema>;

/** Field names a reviewer can ask to change: the form's slots, documents flattened. */
export const TICKET_FIELD_NAMES = [
  'sn',
  'merchantNo',
  'deviceCondition',
  'reason',
  'reasonDetail',
  'contactName',
  'phone',
  'email',
  'involvesMinor',
  'businessLicense',
  'legalRepIdFront',
  'legalRepIdBack',
  'newLegalRepId',
  'guardianId',
  'devicePhoto',
  'lossReport',
] as const;
export type TicketFieldName = (typeof TICKET_FIELD_NAMES)[number];

export const TICKET_STATUSES = [
  'submitted',
  'in_review',
  'changes_requested',
  'approved',
  'rejected',
  'completed',
  'cancelled',
] as const;
export const ticketStatusSchema = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof ticketStatusSchema>;

export const ticketHistoryEntrySchema = z.object({
  at: z.iso.datetime(),
  status: ticketStatusSchema,
  note: z.string().max(2000).optional(),
  by: z.string().min(1).max(100),
  /** Fields the reviewer asked to change, or the merchant changed. */
  fields: z.array(z.string()).optional(),
});
export type TicketHistoryEntry = z.infer<typeof ticketHistoryEntrySchema>;

export const LOCALES = ['zh-CN', 'en-US'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.infer<typeof localeSchema>;

export const ticketSchema = z.object({
  id: z.string().regex(/^UB-\d{8}-\d{4,}$/),
  conversationId: z.string().min(1),
  channel: z.string().min(1),
  userId: z.string().min(1),
  locale: localeSchema,
  fields: ticketFieldsSchema,
  status: ticketStatusSchema,
  history: z.array(ticketHistoryEntrySchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Ticket = z.output<typeof ticketSchema>;

/** What a form hands to a desk: everything but what the desk assigns. */
export type TicketRequest = Pick<Ticket, 'conversationId' | 'channel' | 'userId' | 'locale'> & {
  fields: TicketFields;
};
