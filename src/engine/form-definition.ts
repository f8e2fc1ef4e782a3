/**
 * A form is data: slots in order, each with its rule and its prompt key. The engine
 * (form-dialog.ts) knows no particular form; adding a form means adding a definition.
 */
import type { z } from 'zod';
import type { Locale } from '../validation/ticket.ts';

/** Words a merchant may use for something, per language. */
export type Phrases = Readonly<Record<Locale, readonly string[]>>;

/**
 * The words a form understands around its answers. The engine knows none itself: each form
 * brings its own (both languages' words are accepted whatever the conversation's language).
 */
export interface FormVocabulary {
  yes: Phrases;
  no: Phrases;
  /** Skipping an optional question ("跳过", "skip"). */
  skip: Phrases;
  /** Asking to change something at the summary, without naming the field yet. */
  edit: Phrases;
  /** What people put before a field's name when they want to change it ("改电话", "change my phone"). */
  editPrefixes: readonly string[];
  /** Words that say an earlier answer was wrong ("写错了", "sorry"). */
  correctionCues: Phrases;
  /** Where a corrected value starts: after the last of these ("应该是", " is "). */
  correctionValueMarkers: readonly string[];
  /** Keeping an answer a reviewer questioned as it is ("不用改", "it's correct"). */
  keep: Phrases;
  /** Words between a field's name and its value that say the value follows ("是", "为", "is"). */
  labelLinks: readonly string[];
  /** Words that may stand there without saying so ("的", "号码"). */
  labelFillers: readonly string[];
}

export type SlotValues = Record<string, unknown>;

/**
 * How a slot gets its value, declared per slot (as Rasa's slot mappings). Every slot is asked in
 * its turn, so each maps from text; entity mappings add the values a merchant volunteers.
 */
export type SlotMapping =
  /**
   * When the slot is asked, the message is its answer, checked by the slot's kind. `freeText`:
   * nearly any message fits (a name, a description), so a short reply is taken as the answer
   * rather than read for an intent.
   */
  | { from: 'text'; freeText?: boolean }
  /**
   * An entity of this type (as language understanding names it) fills the slot when it is asked;
   * with `anyTurn`, in any message, the one that starts the form included. An entity never
   * replaces an earlier answer unless the merchant says it is a correction.
   */
  | { from: 'entity'; type: string; anyTurn?: boolean };

interface SlotBase {
  /** Unique within the form; also the key in the collected values. */
  name: string;
  /** Locale key of the question. */
  prompt: string;
  /** Locale key of the short label used in the summary and when editing. */
  label: string;
  /**
   * Words that name this slot: when the merchant wants to change it ("改电话"), and as a label
   * before its value anywhere in a message ("电话 138…", "身份证反面：https://…").
   */
  names?: Phrases;
  /**
   * Words that introduce this slot's value in running text without being its name ("我叫",
   * "my name is"): the value follows them directly.
   */
  cues?: Phrases;
  /** How the slot is filled: from the answer when asked, and from which entities. */
  fill: readonly SlotMapping[];
  /** Only asked (and kept) when this holds for the values so far. */
  when?: (values: SlotValues) => boolean;
  /** Optional slots accept skip words (跳过 / skip) and are stored as null. */
  optional?: boolean;
  /** Hidden from the summary and not editable there (e.g. consent). */
  hiddenInSummary?: boolean;
  /** Sent once right after a value is accepted, e.g. a notice about lost devices. */
  noticeAfter?: (value: unknown) => string | undefined;
  /** A locale key that shows this value instead of the value itself (an uploaded photo), or undefined. */
  describe?: (value: unknown) => string | undefined;
  /** Ends the form (cancelled) with this message key when the answer is this. */
  endsFormWhen?: { value: unknown; message: string };
}

/** Free text checked by a zod schema; its issues' messages are error codes in `validation:`. */
export interface TextSlot extends SlotBase {
  kind: 'text';
  schema: z.ZodType<unknown, string>;
  /** Locale key of an example answer, shown with every rejection. */
  example: string;
}

export interface ChoiceOption {
  value: string;
  /** Locale key of the option's label (also a button). */
  label: string;
  /** Other words that pick this option. */
  synonyms: Phrases;
}

/** One of a few options, picked by number, label, synonym or what the merchant's words mean. */
export interface ChoiceSlot extends SlotBase {
  kind: 'choice';
  options: readonly ChoiceOption[];
  /**
   * Words that fit no option become this option, with the words as the value of `detailSlot`,
   * once the merchant confirms; "其他原因，…" takes the words after it at once.
   */
  otherOption?: { value: string; detailSlot: string };
}

/** Yes or no. */
export interface YesNoSlot extends SlotBase {
  kind: 'yesno';
}

export type SlotDefinition = TextSlot | ChoiceSlot | YesNoSlot;

/** What an outcome handler can do: talk to the merchant in their language. */
export interface FormCompletionContext {
  conversationId: string;
  channel: string;
  userId: string;
  locale: Locale;
  /** Stable for one run of the form: the idempotency key of anything the outcome handler files. */
  runId: string;
  /** Set when the merchant corrected an earlier submission (its reference, e.g. the ticket id). */
  revising?: { reference: string };
  say(messageKey: string, vars?: Record<string, unknown>, suggestedActions?: string[]): Promise<void>;
  /** A message in the merchant's language, to put inside another. */
  translate(messageKey: string, vars?: Record<string, unknown>): string;
}

export interface FormDefinition {
  id: string;
  slots: readonly SlotDefinition[];
  vocabulary: FormVocabulary;
  /** Locale keys around the summary; without a summary the form completes after its last slot. */
  summary?: { title: string; confirmHint: string };
  /** Locale key of what "help" says while this form is asking; the bot's own help when absent. */
  help?: string;
}

export interface FormOutcome {
  /** e.g. the ticket id, remembered for later turns. */
  reference?: string;
  /**
   * Nothing was done (a daily limit was reached, say): the form stays at its summary with every
   * answer, for the merchant to confirm later. Forms without a summary end as usual.
   */
  held?: boolean;
}

/**
 * What a form's answers lead to once the merchant has confirmed them (filing a ticket, looking
 * up a status): product code, kept out of the form's data. Returns what the bot should remember.
 */
export type FormOutcomeHandler = (values: SlotValues, context: FormCompletionContext) => Promise<FormOutcome>;

/** A form as the engine runs it: its definition (data) and the handler of its outcome. */
export interface FormWithOutcome {
  definition: FormDefinition;
  onComplete: FormOutcomeHandler;
}

/** The slots that apply to these values, in order. */
export function applicableSlots(form: FormDefinition, values: SlotValues): SlotDefinition[] {
  return form.slots.filter((slot) => !slot.when || slot.when(values));
}
