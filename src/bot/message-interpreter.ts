/**
 * Decides what a merchant's message is, given where the conversation stands: a command, the
 * answer to the pending question, a correction of an earlier answer, a question to answer and
 * come back from, values to note, or something to ask about. The bot then acts on it.
 *
 * Order matters: exact command words first ("取消" cancels even at the name question); then an
 * answer that fits a strict question (phone, SN, a choice) is an answer; only then does language
 * understanding get a say, and only when it is confident.
 */

import { isQuestion } from '../../dialogs/faq.ts';
import type { CommandName } from '../../dialogs/vocabulary.ts';
import type { SlotValues } from '../engine/form-definition.ts';
import type { FormPosition, StartingPosition } from '../engine/form-dialog.ts';
import type { MessageReading } from '../engine/message-reading.ts';
import type { FoundEntity } from '../engine/slot-mappings.ts';
import { CLARIFY_BELOW, type IntentName, type LanguageUnderstanding, type ParsedUtterance } from '../nlu/index.ts';
import type { Locale } from '../validation/ticket.ts';

export type Interpretation =
  | { kind: 'command'; command: CommandName }
  | { kind: 'answer' }
  | { kind: 'correction'; slot: string; valueText: string }
  | { kind: 'faq' }
  | { kind: 'smallTalk'; intent: 'greeting' | 'thanks' | 'goodbye' }
  | { kind: 'idle' }
  | { kind: 'fill'; reading: MessageReading }
  | { kind: 'outOfScope' }
  | { kind: 'start'; prefill: SlotValues }
  | { kind: 'clarify' };

/** Where the conversation stands, as the interpreter needs to know it. */
export interface ConversationPosition {
  /** The commands that work at any step, in the bot's words. */
  recognizeCommand(text: string): CommandName | undefined;
  /** The active form; undefined outside any form. */
  form?: FormPosition;
  /** The form a message outside any form starts. */
  starting: StartingPosition;
  /** Documents that came with the message (uploaded photos): entities of type `document`. */
  documents?: readonly FoundEntity[];
}

/** A Chinese character or an alphabetic word: something language understanding can read. */
const HAS_WORDS = /\p{Script=Han}|[A-Za-z]{2,}/u;
/** Serial numbers, emails, links: codes, not words (ASCII only: "商户号1021…" keeps its Chinese). */
const CODE_LIKE = /[\x21-\x7e]*(?:\d|@|:\/\/)[\x21-\x7e]*/g;

/** Intents a question at a free-text answer may have: it asks something instead of answering. */
const QUESTION_INTENTS: ReadonlySet<IntentName> = new Set<IntentName>([
  'help',
  'fees',
  'status',
  'human',
  'out_of_scope',
]);

const COMMAND_INTENTS: Partial<Record<IntentName, CommandName>> = {
  status: 'status',
  human: 'human',
  cancel: 'cancel',
  help: 'help',
  restart: 'restart',
};

/**
 * A ticket number names a request to look up; an SN does with the last four digits of a phone
 * (unless the merchant says they want to unbind) or with a status question. An SN alone still
 * starts an unbind request.
 */
function asksStatusWithItsAnswer({ intent, entities }: ParsedUtterance): boolean {
  const has = (type: string) => entities.some((entity) => entity.type === type);
  const confident = (name: IntentName) => intent.name === name && intent.confidence >= CLARIFY_BELOW;
  if (has('ticketId')) return true;
  return has('sn') && ((has('phoneLast4') && !confident('unbind')) || confident('status'));
}

export function interpretMessage(
  text: string,
  locale: Locale,
  understanding: LanguageUnderstanding,
  position: ConversationPosition,
): Interpretation {
  const { form } = position;
  const documents = position.documents ?? [];
  // A photo sent with a few words ("身份证反面"): the words say where it goes, never what to do.
  if (documents.length > 0) {
    const reading = (form ?? position.starting).read(text, [
      ...understanding.parse(text, locale).entities,
      ...documents,
    ]);
    const hasValues = Object.keys(reading.values).length > 0;
    if (form) return hasValues || reading.problems.length > 0 ? { kind: 'fill', reading } : { kind: 'answer' };
    return { kind: 'start', prefill: reading.values };
  }
  const command = position.recognizeCommand(text);
  if (command) return { kind: 'command', command };
  if (form && !form.pendingIsFreeText && form.accepts(text)) return { kind: 'answer' };
  const correction = form?.correction(text);
  if (correction) return { kind: 'correction', slot: correction.slot.name, valueText: correction.valueText };

  // Outside a form, a bare yes/no answers nothing (e.g. "确认提交" again after filing).
  if (!form && position.starting.isBareYesNo(text)) return { kind: 'idle' };
  const parsed = understanding.parse(text, locale);
  // "UB-20261129-0002 1234", "SN K7Q358201146 尾号1234": a status question that carries its own
  // answer. The status command's lookup takes the ticket number or SN and the digits from the message.
  if (!form && asksStatusWithItsAnswer(parsed)) return { kind: 'command', command: 'status' };
  const { name, confidence } = parsed.intent;
  // What the message gives: the active form by labels and slot mappings, else the form it would start.
  const reading = (form ?? position.starting).read(text, parsed.entities);
  const hasValues = Object.keys(reading.values).length > 0;
  // "12345" or "N5W…" carries no intent: let the form say what is wrong with it (or take the three links).
  if (!HAS_WORDS.test(text.replace(CODE_LIKE, ' '))) {
    if (!form) return { kind: 'clarify' };
    return hasValues ? { kind: 'fill', reading } : { kind: 'answer' };
  }
  // "没有", "好的": a bare yes or no is an answer, never read for an intent.
  const bareYesNo = position.starting.isBareYesNo(text);
  if (confidence >= CLARIFY_BELOW && !bareYesNo && mayInterrupt(text, name, form)) {
    const intentCommand = COMMAND_INTENTS[name];
    if (intentCommand) return { kind: 'command', command: intentCommand };
    if (name === 'fees' && (form ? isQuestion(text) : !hasValues)) return { kind: 'faq' };
    // "怎么绑定新机器" mentions a new device, which is not a reason to unbind: only labelled facts outweigh the intent.
    if (name === 'out_of_scope' && reading.labelled.length === 0) return { kind: 'outOfScope' };
    if (name === 'greeting' || name === 'thanks' || name === 'goodbye') {
      // "你好，我要解绑 N5W…" is more than a greeting.
      if (!hasValues || form) return { kind: 'smallTalk', intent: name };
    }
  }
  if (form) {
    // "联系人：张伟", "李秀英 电话138…": labelled values first, the rest answers the question.
    if (reading.labelled.length > 0 || reading.problems.length > 0) return { kind: 'fill', reading };
    if (form.accepts(text)) return { kind: 'answer' };
    return hasValues ? { kind: 'fill', reading } : { kind: 'answer' };
  }
  if ((name === 'unbind' && confidence >= CLARIFY_BELOW) || hasValues) {
    return { kind: 'start', prefill: reading.values };
  }
  return { kind: 'clarify' };
}

/**
 * Whether a confident intent may override the pending question. A free-text answer (a name, a
 * description: "跟总部取消合作了") is never a command: only the exact command words are, and a
 * question asked there ("这里填什么？") is answered.
 */
function mayInterrupt(text: string, intent: IntentName, form: FormPosition | undefined): boolean {
  if (!form?.pendingIsFreeText) return true;
  return isQuestion(text) && QUESTION_INTENTS.has(intent);
}
