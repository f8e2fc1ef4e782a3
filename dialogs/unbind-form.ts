import type { ChoiceOption, FormDefinition, SlotValues, TextSlot } from '../src/engine/form-definition.ts';
import {
  documentSchema,
  emailSchema,
  freeTextSchema,
  isDocumentReference,
  merchantNoSchema,
  personNameSchema,
  phoneSchema,
  snSchema,
} from '../src/validation/fields.ts';
import { type TicketFields, ticketFieldsSchema } from '../src/validation/ticket.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

const DEVICE_CONDITIONS: readonly ChoiceOption[] = [
  {
    value: 'working',
    label: 'unbind:condition.working',
    synonyms: {
      'zh-CN': ['正常', '能用', '好的', '正常使用', '没坏'],
      'en-US': ['working', 'works', 'fine', 'ok', 'normal'],
    },
  },
  {
    value: 'faulty',
    label: 'unbind:condition.faulty',
    synonyms: {
      'zh-CN': ['坏了', '故障', '有故障', '不能用', '开不了机', '坏'],
      'en-US': ['faulty', 'broken', 'not working', 'damaged'],
    },
  },
  {
    value: 'lost',
    label: 'unbind:condition.lost',
    synonyms: { 'zh-CN': ['丢了', '丢失', '被偷了', '被盗', '找不到了', '丢'], 'en-US': ['lost', 'stolen', 'missing'] },
  },
];

const REASONS: readonly ChoiceOption[] = [
  {
    value: 'business_adjustment',
    label: 'unbind:reason.business_adjustment',
    synonyms: {
      'zh-CN': ['业务调整', '重组', '经营调整', '调整'],
      'en-US': ['business adjustment', 'restructuring', 'adjustment'],
    },
  },
  {
    value: 'relocation_or_closure',
    label: 'unbind:reason.relocation_or_closure',
    synonyms: {
      'zh-CN': ['搬家', '搬迁', '关店', '店关了', '关门', '倒闭', '不干了'],
      'en-US': ['relocation', 'moving', 'closure', 'closing', 'closed', 'moved'],
    },
  },
  {
    value: 'device_replacement',
    label: 'unbind:reason.device_replacement',
    synonyms: {
      'zh-CN': ['换机器', '换机', '换设备', '换新机'],
      'en-US': ['device replacement', 'replacement', 'new device', 'replace'],
    },
  },
  {
    value: 'legal_rep_change',
    label: 'unbind:reason.legal_rep_change',
    synonyms: {
      'zh-CN': ['变更法人', '换法人', '法人变更', '法人变了'],
      'en-US': ['legal representative change', 'new legal representative', 'legal rep change'],
    },
  },
  {
    value: 'other',
    label: 'unbind:reason.other',
    synonyms: { 'zh-CN': ['其他', '其它', '别的'], 'en-US': ['other', 'something else'] },
  },
];

function documentSlot(name: string, zhNames: string[], enNames: string[], when?: (v: SlotValues) => boolean): TextSlot {
  return {
    name,
    kind: 'text',
    schema: documentSchema,
    prompt: `unbind:prompt.${name}`,
    label: `unbind:label.${name}`,
    example: 'unbind:example.documentUrl',
    // "营业执照 https://…", "here's the licence https://…": the link in the message answers the document asked.
    // A photo answers it too; one sent before documents are asked goes to the first one still missing.
    fill: [{ from: 'entity', type: 'url' }, { from: 'entity', type: 'document', anyTurn: true }, { from: 'text' }],
    describe: (value) =>
      isDocumentReference(value)
        ? value.endsWith('.pdf')
          ? 'unbind:uploaded.pdf'
          : 'unbind:uploaded.photo'
        : undefined,
    names: { 'zh-CN': zhNames, 'en-US': enNames },
    when,
  };
}

const UNBIND_SLOTS = [
  {
    name: 'consent',
    kind: 'yesno',
    fill: [{ from: 'text' }],
    prompt: 'unbind:prompt.consent',
    label: 'unbind:label.consent',
    hiddenInSummary: true,
    endsFormWhen: { value: false, message: 'unbind:consentDeclined' },
  },
  {
    name: 'sn',
    kind: 'text',
    fill: [{ from: 'entity', type: 'sn', anyTurn: true }, { from: 'text' }],
    schema: snSchema,
    prompt: 'unbind:prompt.sn',
    label: 'unbind:label.sn',
    example: 'unbind:example.sn',
    names: {
      'zh-CN': ['sn', '序列号', '机身号', '设备号', 'sn号', 'sn码', '机器编号', '设备编号'],
      'en-US': ['sn', 's/n', 'serial', 'serial number', 'serial no'],
    },
  },
  {
    name: 'merchantNo',
    kind: 'text',
    fill: [{ from: 'entity', type: 'merchantNo', anyTurn: true }, { from: 'text' }],
    schema: merchantNoSchema,
    prompt: 'unbind:prompt.merchantNo',
    label: 'unbind:label.merchantNo',
    example: 'unbind:example.merchantNo',
    names: { 'zh-CN': ['商户号', '商户编号'], 'en-US': ['merchant number', 'merchant no', 'merchant'] },
  },
  {
    name: 'deviceCondition',
    kind: 'choice',
    fill: [{ from: 'text' }],
    options: DEVICE_CONDITIONS,
    prompt: 'unbind:prompt.deviceCondition',
    label: 'unbind:label.deviceCondition',
    names: { 'zh-CN': ['设备状态', '状态', '机器状态'], 'en-US': ['condition', 'device condition'] },
    noticeAfter: (value) => (value === 'lost' ? 'unbind:lostNotice' : undefined),
  },
  {
    name: 'reason',
    kind: 'choice',
    fill: [{ from: 'entity', type: 'reason', anyTurn: true }, { from: 'text' }],
    options: REASONS,
    otherOption: { value: 'other', detailSlot: 'reasonDetail' },
    prompt: 'unbind:prompt.reason',
    label: 'unbind:label.reason',
    names: { 'zh-CN': ['原因', '解绑原因'], 'en-US': ['reason'] },
  },
  {
    name: 'reasonDetail',
    kind: 'text',
    fill: [{ from: 'text', freeText: true }],
    schema: freeTextSchema,
    prompt: 'unbind:prompt.reasonDetail',
    label: 'unbind:label.reasonDetail',
    example: 'unbind:example.reasonDetail',
    names: { 'zh-CN': ['原因说明', '说明'], 'en-US': ['details', 'reason details'] },
    when: (values) => values.reason === 'other',
  },
  {
    name: 'contactName',
    kind: 'text',
    fill: [{ from: 'text', freeText: true }],
    schema: personNameSchema,
    prompt: 'unbind:prompt.contactName',
    label: 'unbind:label.contactName',
    example: 'unbind:example.contactName',
    names: { 'zh-CN': ['姓名', '名字', '联系人'], 'en-US': ['name', 'contact name', 'contact'] },
    cues: { 'zh-CN': ['我叫', '我的名字是', '我的名字叫', '联系人是'], 'en-US': ['my name is', "my name's"] },
  },
  {
    name: 'phone',
    kind: 'text',
    fill: [{ from: 'entity', type: 'phone', anyTurn: true }, { from: 'text' }],
    schema: phoneSchema,
    prompt: 'unbind:prompt.phone',
    label: 'unbind:label.phone',
    example: 'unbind:example.phone',
    names: {
      'zh-CN': ['电话', '手机', '手机号', '电话号码', '联系电话'],
      'en-US': ['phone', 'mobile', 'phone number'],
    },
  },
  {
    name: 'email',
    kind: 'text',
    fill: [{ from: 'entity', type: 'email', anyTurn: true }, { from: 'text' }],
    schema: emailSchema,
    optional: true,
    prompt: 'unbind:prompt.email',
    label: 'unbind:label.email',
    example: 'unbind:example.email',
    names: { 'zh-CN': ['邮箱', '电子邮箱', '邮件'], 'en-US': ['email', 'e-mail', 'mail'] },
  },
  {
    name: 'involvesMinor',
    kind: 'yesno',
    fill: [{ from: 'text' }],
    prompt: 'unbind:prompt.involvesMinor',
    label: 'unbind:label.involvesMinor',
    names: { 'zh-CN': ['未成年人', '未成年'], 'en-US': ['minor'] },
  },
  documentSlot('businessLicense', ['营业执照', '执照'], ['business licence', 'business license', 'licence', 'license']),
  documentSlot('legalRepIdFront', ['法人身份证正面', '身份证正面', '正面'], ['id front', 'front']),
  documentSlot('legalRepIdBack', ['法人身份证反面', '身份证反面', '反面', '背面'], ['id back', 'back of id']),
  documentSlot(
    'newLegalRepId',
    ['新法人身份证', '新法人'],
    ['new legal representative id'],
    (v) => v.reason === 'legal_rep_change',
  ),
  documentSlot('guardianId', ['监护人身份证', '监护人'], ['guardian id', 'guardian'], (v) => v.involvesMinor === true),
  // A lost device cannot be photographed: its police report or loss statement is asked instead.
  documentSlot(
    'devicePhoto',
    ['设备照片', '机器照片', '照片'],
    ['device photo', 'photo'],
    (v) => v.deviceCondition !== 'lost',
  ),
  documentSlot(
    'lossReport',
    ['报警回执', '遗失声明', '报案回执', '丢失证明'],
    ['police report', 'loss report', 'loss statement'],
    (v) => v.deviceCondition === 'lost',
  ),
] as const satisfies FormDefinition['slots'];

/** Maps the form's answers onto the ticket contract; throws if they do not make a valid ticket. */
export function toTicketFields(values: SlotValues): TicketFields {
  const optional = (name: string) => (values[name] === null ? undefined : values[name]);
  return ticketFieldsSchema.parse({
    sn: values.sn,
    merchantNo: values.merchantNo,
    deviceCondition: values.deviceCondition,
    reason: values.reason,
    reasonDetail: optional('reasonDetail'),
    contactName: values.contactName,
    phone: values.phone,
    email: optional('email'),
    involvesMinor: values.involvesMinor,
    documents: {
      businessLicense: values.businessLicense,
      legalRepIdFront: values.legalRepIdFront,
      legalRepIdBack: values.legalRepIdBack,
      newLegalRepId: optional('newLegalRepId'),
      guardianId: optional('guardianId'),
      devicePhoto: optional('devicePhoto'),
      lossReport: optional('lossReport'),
    },
  });
}

/** The form's values for a filed ticket, to correct it after a reviewer asked for changes. */
export function fromTicketFields(fields: TicketFields): SlotValues {
  const { documents, ...rest } = fields;
  return {
    consent: true,
    ...rest,
    reasonDetail: fields.reason === 'other' ? (fields.reasonDetail ?? null) : undefined,
    email: fields.email ?? null,
    ...documents,
  };
}

export const UNBIND_FORM: FormDefinition = {
  id: 'unbind',
  slots: UNBIND_SLOTS,
  vocabulary: FORM_VOCABULARY,
  summary: { title: 'unbind:summary.title', confirmHint: 'unbind:summary.confirmHint' },
};
