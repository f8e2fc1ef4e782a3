/**
 * Questions asked before something that cannot be undone: cancelling a form that holds answers,
 * and withdrawing a filed request. Each is a one-question form on the same engine (so it lives on
 * the dialog stack, survives restarts and works on every channel); "no" ends it with a message,
 * "yes" completes it and the bot's outcome handler acts. Messages in locales/<lng>/bot.json.
 */
import type { FormDefinition, FormVocabulary } from '../src/engine/form-definition.ts';
import { ticketIdSchema } from '../src/validation/fields.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

/** The forms' yes and no, plus what people answer to "cancel?" and "withdraw?" in particular. */
const CONFIRMATION_VOCABULARY: FormVocabulary = {
  ...FORM_VOCABULARY,
  yes: {
    'zh-CN': [
      ...FORM_VOCABULARY.yes['zh-CN'],
      '确定取消',
      '确认取消',
      '是的取消',
      '取消吧',
      '撤回吧',
      '确定撤回',
      '确认撤回',
      '是的撤回',
    ],
    'en-US': [...FORM_VOCABULARY.yes['en-US'], 'yes cancel', 'yes withdraw', 'cancel it', 'withdraw it'],
  },
  no: {
    'zh-CN': [
      ...FORM_VOCABULARY.no['zh-CN'],
      '不取消',
      '不要取消',
      '别取消',
      '继续',
      '继续填写',
      '继续填',
      '不撤回',
      '不要撤回',
      '别撤回',
      '保留',
      '保留申请',
    ],
    'en-US': [
      ...FORM_VOCABULARY.no['en-US'],
      "don't cancel",
      'keep going',
      'continue',
      "don't withdraw",
      'keep it',
      'keep my request',
    ],
  },
};

/** "已填写的内容不会保存，确定取消吗？": asked when cancelling a form that holds answers. */
export const CANCEL_CONFIRMATION_FORM: FormDefinition = {
  id: 'confirmCancel',
  vocabulary: CONFIRMATION_VOCABULARY,
  slots: [
    {
      name: 'cancel',
      kind: 'yesno',
      fill: [{ from: 'text' }],
      prompt: 'bot:cancelConfirm.question',
      label: 'bot:cancelConfirm.label',
      hiddenInSummary: true,
      endsFormWhen: { value: false, message: 'bot:cancelConfirm.kept' },
    },
  ],
};

/** "撤回后审核会停止，确定撤回吗？": the ticket is given when the question starts, never asked. */
export const WITHDRAW_CONFIRMATION_FORM: FormDefinition = {
  id: 'confirmWithdraw',
  vocabulary: CONFIRMATION_VOCABULARY,
  slots: [
    {
      name: 'ticketId',
      kind: 'text',
      fill: [{ from: 'text' }],
      schema: ticketIdSchema,
      prompt: 'status:prompt.ticketIdOrSn',
      label: 'status:label.ticketIdOrSn',
      example: 'status:example.ticketIdOrSn',
      hiddenInSummary: true,
    },
    {
      name: 'withdraw',
      kind: 'yesno',
      fill: [{ from: 'text' }],
      prompt: 'bot:withdraw.question',
      label: 'bot:withdraw.label',
      hiddenInSummary: true,
      endsFormWhen: { value: false, message: 'bot:withdraw.kept' },
    },
  ],
};
