/**
 * "客服会在工作时间给您回电，请留一个手机号": asked outside business hours when the merchant wants
 * a person and no phone number is known yet. A one-question form on the same engine, so the
 * number is checked by the same rule as the unbind form's (phoneSchema) and the question survives
 * restarts; once answered, the bot files the call-back request and the form below carries on.
 */
import type { FormDefinition } from '../src/engine/form-definition.ts';
import { phoneSchema } from '../src/validation/fields.ts';
import { FORM_VOCABULARY } from './vocabulary.ts';

export const CALLBACK_PHONE_FORM: FormDefinition = {
  id: 'callbackPhone',
  vocabulary: FORM_VOCABULARY,
  slots: [
    {
      name: 'phone',
      kind: 'text',
      fill: [{ from: 'entity', type: 'phone' }, { from: 'text' }],
      schema: phoneSchema,
      prompt: 'handoff:callbackPhone.prompt',
      label: 'unbind:label.phone',
      example: 'unbind:example.phone',
    },
  ],
};
