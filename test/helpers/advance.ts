import { HAPPY_PATH_ZH, type TestChat } from './test-assistant.ts';

/** Answers the first `count` messages of the Chinese happy path (see HAPPY_PATH_ZH). */
export async function answerFirst(chat: TestChat, count: number, answers: readonly string[] = HAPPY_PATH_ZH) {
  for (const text of answers.slice(0, count)) await chat.say(text);
}

/** Where HAPPY_PATH_ZH leaves the form after n answers: n = AT.phone means the phone is being asked. */
export const AT = {
  consent: 1,
  sn: 2,
  merchantNo: 3,
  deviceCondition: 4,
  reason: 5,
  contactName: 6,
  phone: 7,
  email: 8,
  involvesMinor: 9,
  businessLicense: 10,
  legalRepIdFront: 11,
  devicePhoto: 13,
  summary: 14,
} as const;
