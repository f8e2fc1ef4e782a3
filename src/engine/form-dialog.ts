/**
 * The generic form engine: one botbuilder-dialogs Dialog that runs any FormDefinition.
 * Each turn it takes the answer to the pending slot, validates it, re-asks with the reason,
 * and once every applicable slot is filled shows the summary, where the merchant confirms or
 * names a field to change; then hands the answers to the form's outcome handler. Global
 * commands (cancel, help, …) are handled by the bot before the dialog runs, on the active form;
 * "back" is form logic and lives here.
 */
import type { TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { t } from '../i18n/translate.ts';
import { normalize } from '../nlu/normalize.ts';
import { LOCALES, type Locale } from '../validation/ticket.ts';
import { AnswerReader, type UnderstandChoice } from './answer-matching.ts';
import { type Correction, createCorrectionParser } from './corrections.ts';
import {
  applicableSlots,
  type FormDefinition,
  type FormOutcome,
  type FormOutcomeHandler,
  type FormWithOutcome,
  type SlotDefinition,
  type SlotValues,
} from './form-definition.ts';
import { readSummaryAnswer, renderSummary, summarySlots } from './form-summary.ts';
import {
  type LabelSeparators,
  labelSeparators,
  type MessageReading,
  type ReadingScope,
  readMessage,
} from './message-reading.ts';
import { sendReply } from './send-reply.ts';
import { type FoundEntity, mapsFromText, takesFreeText } from './slot-mappings.ts';
import { checkSlotAnswer, checkSlotValue, describeValue, optionLines, promptFor } from './slot-prompts.ts';

/** After this many failed answers to one slot, the merchant is offered a person. */
export const MAX_TRIES_BEFORE_OFFER = 3;

export interface FormRunState {
  runId: string;
  values: SlotValues;
  phase: 'asking' | 'summary' | 'pickField';
  /** The slot being asked, while phase is 'asking'. */
  current?: string;
  /** Failed answers to the current slot. */
  tries: number;
  /** Slots answered, oldest first, for "back". */
  answered: string[];
  /** Set when the form corrects an earlier submission: only these slots are asked again. */
  revise?: { reference: string; ask: string[]; original: SlotValues };
  /** Words that fit no option, offered as the choice's "other" option with them as its detail, awaiting yes or no. */
  proposed?: { slot: string; value: string; detail: string };
}

export interface FormDialogOptions {
  /** Values already checked (e.g. from a filed ticket). */
  values?: SlotValues;
  /** Values the merchant mentioned before being asked (entities): checked, then acknowledged. */
  prefill?: SlotValues;
  /** Correct a submission: ask only these slots again, then show what changed. */
  revise?: { reference: string; ask: string[] };
}

/** What the dialog returns when it ends. */
export type FormResult = { status: 'completed'; outcome: FormOutcome } | { status: 'declined' };

export interface FormDialogServices {
  localeOf(context: TurnContext): Locale;
  /** What a merchant's own words for a choice mean; without it, choices are picked by their words only. */
  understandChoice?: UnderstandChoice;
  newRunId(): string;
  reportError(error: unknown, code: string): void;
}

/** Where a form stands, for deciding what a message means (see bot/message-interpreter.ts). */
export interface FormPosition {
  /** Whether the text would be accepted as the answer to the pending question. */
  accepts(text: string): boolean;
  /** The pending question takes free text (a name, a description): nearly anything fits it. */
  pendingIsFreeText: boolean;
  /** The earlier answer this text corrects ("电话写错了，应该是…"), if it is a correction. */
  correction(text: string): Correction | undefined;
  /**
   * Everything a message gives this form (message-reading.ts): labelled values, and entities by
   * the slots' mappings (the pending slot, and empty slots that take theirs at any turn). An
   * unlabelled entity never replaces an earlier answer.
   */
  read(text: string, entities: readonly FoundEntity[]): MessageReading;
}

/** What a form takes from a message before it has started. */
export interface StartingPosition {
  /** The message is just a yes or a no: outside a form it answers nothing. */
  isBareYesNo(text: string): boolean;
  /** What a message that starts the form gives it (labelled values, entities taken at any turn). */
  read(text: string, entities: readonly FoundEntity[]): MessageReading;
}

export class FormDialog extends Dialog<FormDialogOptions> {
  readonly form: FormDefinition;
  private readonly onComplete: FormOutcomeHandler;
  /** Reads answers in this form's words. */
  private readonly reader: AnswerReader;
  private readonly parseCorrection: ReturnType<typeof createCorrectionParser>;
  /** Words saying no, for "不涉及未成年人" in running text. */
  private readonly negations: readonly string[];
  private readonly separators: LabelSeparators;

  constructor(
    { definition: form, onComplete }: FormWithOutcome,
    private readonly services: FormDialogServices,
  ) {
    super(form.id);
    this.form = form;
    this.onComplete = onComplete;
    const unasked = form.slots.find((slot) => !mapsFromText(slot));
    if (unasked) throw new Error(`form ${form.id}: slot ${unasked.name} is asked, so it needs a text mapping`);
    this.reader = new AnswerReader(form.vocabulary, services.understandChoice);
    this.parseCorrection = createCorrectionParser(form.vocabulary);
    this.negations = LOCALES.flatMap((lng) => form.vocabulary.no[lng].map((word) => normalize(word)));
    this.separators = labelSeparators(form.vocabulary.labelLinks, form.vocabulary.labelFillers);
  }

  async beginDialog(dc: DialogContext, options?: FormDialogOptions): Promise<DialogTurnResult> {
    const values = { ...options?.values };
    const state: FormRunState = {
      runId: this.services.newRunId(),
      values,
      phase: 'asking',
      tries: 0,
      answered: [],
      ...(options?.revise ? { revise: { ...options.revise, original: { ...values } } } : {}),
    };
    dc.activeDialog!.state = state;
    if (options?.prefill) await this.acknowledge(dc.context, state, this.fillValues(state, options.prefill));
    return this.askNext(dc, state);
  }

  /** Whether this text would be accepted as the answer to what the form is waiting for. */
  accepts(instance: DialogInstance, text: string, locale?: Locale): boolean {
    const state = instance.state as FormRunState;
    if (state.proposed && this.reader.parseYesNo(text) !== undefined) return true;
    if (state.phase === 'pickField') return this.reader.findSlotByName(this.summarySlots(state), text) !== undefined;
    if (state.phase === 'summary') return readSummaryAnswer(this.form, this.reader, state.values, text) !== undefined;
    if (!state.current) return false;
    const slot = this.slot(state.current);
    return (
      (slot.optional === true && this.reader.isSkip(text)) ||
      this.keepsCurrentValue(state, slot, text) ||
      checkSlotAnswer(slot, this.reader, text, locale).ok
    );
  }

  /**
   * Fills slots from what a message carried besides (or instead of) the answer asked for, says
   * what was taken and what was refused, then carries on: the pending question is answered if
   * the message answered it, otherwise asked again.
   */
  async fill(dc: DialogContext, reading: MessageReading): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FormRunState;
    const filled = this.fillValues(state, reading.values);
    const pending = state.phase === 'asking' && state.current ? this.slot(state.current) : undefined;
    // "no minor" at a description: the "no" belongs to the label after it, not to the description.
    const answer = reading.pendingAnswer;
    if (
      pending &&
      answer &&
      !filled.includes(pending) &&
      !(takesFreeText(pending) && this.reader.isBareYesNo(answer))
    ) {
      const checked = checkSlotAnswer(pending, this.reader, answer, this.services.localeOf(dc.context));
      if (checked.ok) filled.push(...this.fillValues(state, { [pending.name]: checked.value }));
    }
    await this.acknowledge(dc.context, state, filled);
    // A value for the question asked that its rule refuses ("http://…" for a document) is explained.
    const problems = [...reading.problems];
    const refused = pending && !filled.includes(pending) ? reading.values[pending.name] : undefined;
    if (pending && refused !== undefined) {
      const checked = checkSlotValue(pending, this.reader, refused);
      if (!checked.ok) problems.push({ slot: pending, errorKey: checked.errorKey, hintKeys: checked.hintKeys });
    }
    if (problems.length > 0) {
      const locale = this.services.localeOf(dc.context);
      const lines = problems.flatMap((problem) => [
        t(locale, 'form:refusedItem', { label: t(locale, problem.slot.label), reason: t(locale, problem.errorKey) }),
        ...problem.hintKeys.map((key) => t(locale, key)),
      ]);
      await sendReply(dc.context, lines.join('\n'));
    }
    return this.continueAfterChange(dc, state, filled);
  }

  /** "电话写错了，应该是…": checks the new value for that field, stores it or says what is wrong. */
  async correct(dc: DialogContext, slotName: string, valueText: string): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FormRunState;
    const slot = this.slot(slotName);
    const locale = this.services.localeOf(dc.context);
    const checked = checkSlotAnswer(slot, this.reader, valueText, locale);
    if (!checked.ok) {
      const lines = [t(locale, checked.errorKey), ...checked.hintKeys.map((key) => t(locale, key))];
      await sendReply(dc.context, lines.join('\n'));
      await this.repromptDialog(dc.context, dc.activeDialog!);
      return Dialog.EndOfTurn;
    }
    const filled = this.fillValues(state, { [slot.name]: checked.value });
    await this.acknowledge(dc.context, state, filled);
    return this.continueAfterChange(dc, state, filled);
  }

  /** Where this form stands, for deciding what a message means. */
  position(instance: DialogInstance, locale: Locale): FormPosition {
    const state = instance.state as FormRunState;
    const pending = state.phase === 'asking' && state.current ? this.slot(state.current) : undefined;
    return {
      accepts: (text) => this.accepts(instance, text, locale),
      pendingIsFreeText: pending !== undefined && takesFreeText(pending),
      // Only fields the merchant can see in the summary can be named to correct them.
      correction: (text) => this.parseCorrection(this.summarySlots(state), text),
      read: (text, entities) =>
        readMessage(text, entities, {
          ...this.readingScope(pending, locale),
          // A labelled value may be for a question not asked yet (a guardian's ID before the minor question).
          slots: this.form.slots,
          takesEntity: (slot) => state.values[slot.name] === undefined && (!slot.when || slot.when(state.values)),
        }),
    };
  }

  /** What this form takes from a message that would start it. */
  startingPosition(locale: Locale): StartingPosition {
    return {
      isBareYesNo: (text) => this.reader.isBareYesNo(text),
      read: (text, entities) =>
        readMessage(text, entities, {
          ...this.readingScope(undefined, locale),
          slots: this.form.slots,
          takesEntity: (_, mapping) => mapping.anyTurn === true,
        }),
    };
  }

  private readingScope(
    pending: SlotDefinition | undefined,
    locale: Locale,
  ): Pick<ReadingScope, 'pending' | 'reader' | 'negations' | 'separators' | 'locale'> {
    return { pending, reader: this.reader, negations: this.negations, separators: this.separators, locale };
  }

  private fillValues(state: FormRunState, values: SlotValues): SlotDefinition[] {
    const filled: SlotDefinition[] = [];
    for (const [name, value] of Object.entries(values)) {
      const slot = this.form.slots.find((s) => s.name === name);
      const checked = slot && value !== undefined ? checkSlotValue(slot, this.reader, value) : undefined;
      if (!slot || !checked?.ok) continue;
      state.values[name] = checked.value;
      if (state.phase === 'asking' && state.current !== name) state.answered = [...state.answered, name];
      filled.push(slot);
    }
    return filled;
  }

  /** "已记下：手机号 13912345678" — the merchant sees what was taken from their message. */
  private async acknowledge(context: TurnContext, state: FormRunState, filled: SlotDefinition[]): Promise<void> {
    if (filled.length === 0) return;
    const locale = this.services.localeOf(context);
    const items = filled.map((slot) =>
      t(locale, 'form:notedItem', {
        label: t(locale, slot.label),
        value: describeValue(slot, state.values[slot.name], locale),
      }),
    );
    await sendReply(context, t(locale, 'form:noted', { items: items.join(t(locale, 'form:notedSeparator')) }));
    for (const slot of filled) {
      const notice = slot.noticeAfter?.(state.values[slot.name]);
      if (notice) await sendReply(context, t(locale, notice));
    }
  }

  /** After values changed out of turn: move on if the pending question got its answer, else ask it again. */
  private async continueAfterChange(
    dc: DialogContext,
    state: FormRunState,
    filled: SlotDefinition[],
  ): Promise<DialogTurnResult> {
    if (state.phase === 'asking' && filled.some((slot) => slot.name === state.current)) {
      state.answered = [...state.answered.filter((name) => name !== state.current), state.current!];
      return this.askNext(dc, state);
    }
    if (state.phase !== 'asking') state.phase = 'summary';
    await this.repromptDialog(dc.context, dc.activeDialog!);
    return Dialog.EndOfTurn;
  }

  async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FormRunState;
    const text = dc.context.activity.text ?? '';
    if (state.phase === 'summary') return this.onSummaryAnswer(dc, state, text);
    if (state.phase === 'pickField') return this.onFieldPicked(dc, state, text);
    return this.onSlotAnswer(dc, state, text);
  }

  /** Asks the pending question again, changing nothing. */
  async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as FormRunState;
    if (state.phase === 'asking' && state.current) await this.ask(context, state, this.slot(state.current));
    else if (state.phase === 'pickField') await this.askWhichField(context);
    else await this.showSummary(context, state);
  }

  /** A form started on top of this one has ended: carry on where this one was. */
  async resumeDialog(dc: DialogContext): Promise<DialogTurnResult> {
    await this.repromptDialog(dc.context, dc.activeDialog!);
    return Dialog.EndOfTurn;
  }

  /** Goes back to the previous question. */
  async goBack(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FormRunState;
    if (state.phase === 'pickField') {
      state.phase = 'summary';
      await this.showSummary(dc.context, state);
      return Dialog.EndOfTurn;
    }
    const locale = this.services.localeOf(dc.context);
    const applicable = applicableSlots(this.form, state.values).map((s) => s.name);
    const previous = state.answered.filter((name) => applicable.includes(name) && name !== state.current).pop();
    if (!previous) {
      await sendReply(dc.context, t(locale, 'form:atFirstStep'));
      await this.repromptDialog(dc.context, dc.activeDialog!);
      return Dialog.EndOfTurn;
    }
    state.answered = state.answered.filter((name) => name !== previous);
    state.phase = 'asking';
    state.current = previous;
    state.tries = 0;
    await this.ask(dc.context, state, this.slot(previous));
    return Dialog.EndOfTurn;
  }

  /** The slot a form instance is asking, if any (for callback requests and status). */
  static pendingSlot(instance: DialogInstance | undefined): string | undefined {
    const state = instance?.state as FormRunState | undefined;
    return state?.phase === 'asking' ? state.current : undefined;
  }

  static values(instance: DialogInstance | undefined): SlotValues {
    return (instance?.state as FormRunState | undefined)?.values ?? {};
  }

  /** Failed answers to the pending question (an offer of a person follows MAX_TRIES_BEFORE_OFFER). */
  static tries(instance: DialogInstance | undefined): number {
    return (instance?.state as FormRunState | undefined)?.tries ?? 0;
  }

  /**
   * Checks an answer for one of this form's slots by the slot's own rule, as if the merchant had
   * typed it (an agent filling a field for them); undefined when the form has no such slot.
   */
  checkAnswer(name: string, text: string, locale: Locale): ReturnType<typeof checkSlotAnswer> | undefined {
    const slot = this.form.slots.find((s) => s.name === name);
    return slot ? checkSlotAnswer(slot, this.reader, text, locale) : undefined;
  }

  /**
   * Stores a value someone else gave for the merchant (an agent), checked again by the slot's
   * rule, without saying anything: when it answers the pending question, the form moves its
   * pointer to the next one, which is asked when the conversation is handed back.
   */
  fillQuietly(instance: DialogInstance, name: string, value: unknown): boolean {
    const state = instance.state as FormRunState;
    const slot = this.form.slots.find((s) => s.name === name);
    const checked = slot && value !== undefined ? checkSlotValue(slot, this.reader, value) : undefined;
    if (!slot || !checked?.ok) return false;
    state.values[name] = checked.value;
    state.answered = [...state.answered.filter((answered) => answered !== name), name];
    if (state.phase === 'asking' && state.current === name) {
      const next = applicableSlots(this.form, state.values).find(
        (candidate) => state.values[candidate.name] === undefined,
      );
      state.tries = 0;
      state.current = next?.name;
      if (!next) state.phase = 'summary';
    }
    return true;
  }

  private slot(name: string): SlotDefinition {
    const slot = this.form.slots.find((s) => s.name === name);
    if (!slot) throw new Error(`form ${this.form.id} has no slot ${name}`);
    return slot;
  }

  private async onSlotAnswer(dc: DialogContext, state: FormRunState, text: string): Promise<DialogTurnResult> {
    if (!state.current) return this.askNext(dc, state);
    const slot = this.slot(state.current);
    const locale = this.services.localeOf(dc.context);
    if (state.proposed?.slot === slot.name) {
      const proposed = state.proposed;
      state.proposed = undefined;
      const yes = this.reader.parseYesNo(text);
      if (yes === true) return this.acceptOther(dc, state, slot, proposed.value, proposed.detail);
      if (yes === false) {
        await this.ask(dc.context, state, slot);
        return Dialog.EndOfTurn;
      }
    }
    if (this.keepsCurrentValue(state, slot, text)) return this.accept(dc, state, slot, state.values[slot.name]);
    const checked =
      slot.optional && this.reader.isSkip(text)
        ? { ok: true as const, value: null }
        : checkSlotAnswer(slot, this.reader, text, locale);
    if (slot.kind === 'choice' && slot.otherOption) {
      const other = slot.otherOption;
      // "其他原因，跟总部取消合作了": the words after "other" are its detail, taken at once.
      const detail = this.reader.afterOptionName(slot, other.value, text);
      if (detail !== undefined) return this.acceptOther(dc, state, slot, other.value, detail || undefined);
      // Words that fit no option, or only "other" by their meaning: offered as "other", in their own words.
      const unclear = !checked.ok || checked.value === other.value;
      if (unclear && /\p{L}{2,}/u.test(text)) {
        state.proposed = { slot: slot.name, value: other.value, detail: text.trim() };
        const option = slot.options.find((o) => o.value === other.value);
        await sendReply(
          dc.context,
          t(locale, 'form:otherProposal', {
            option: option ? t(locale, option.label) : other.value,
            words: text.trim(),
          }),
          [t(locale, 'form:yes'), t(locale, 'form:action.chooseAgain')],
        );
        return Dialog.EndOfTurn;
      }
    }
    if (!checked.ok) {
      state.tries += 1;
      const lines = [
        t(locale, checked.errorKey),
        ...checked.hintKeys.map((key) => t(locale, key)),
        ...optionLines(slot, locale),
      ];
      const actions = promptFor(this.form, slot, locale, state.values).actions;
      if (state.tries >= MAX_TRIES_BEFORE_OFFER) {
        lines.push(t(locale, 'form:retryOffer'));
        actions.push(t(locale, 'form:action.callback'));
      }
      await sendReply(dc.context, lines.join('\n'), actions);
      return Dialog.EndOfTurn;
    }
    return this.accept(dc, state, slot, checked.value);
  }

  /** The choice's "other" option with the merchant's words as its detail; the detail is asked when they said none. */
  private async acceptOther(
    dc: DialogContext,
    state: FormRunState,
    slot: SlotDefinition,
    value: string,
    detail: string | undefined,
  ): Promise<DialogTurnResult> {
    const detailSlot = slot.kind === 'choice' ? slot.otherOption?.detailSlot : undefined;
    state.values[slot.name] = value;
    if (detailSlot && detail) this.fillValues(state, { [detailSlot]: detail });
    return this.accept(dc, state, slot, value);
  }

  /** "不用改": while correcting a submission, the answer a reviewer questioned is kept as it was. */
  private keepsCurrentValue(state: FormRunState, slot: SlotDefinition, text: string): boolean {
    return (
      state.revise?.ask.includes(slot.name) === true &&
      state.values[slot.name] !== undefined &&
      this.reader.isKeep(text)
    );
  }

  private async accept(
    dc: DialogContext,
    state: FormRunState,
    slot: SlotDefinition,
    value: unknown,
  ): Promise<DialogTurnResult> {
    const locale = this.services.localeOf(dc.context);
    if (slot.endsFormWhen && slot.endsFormWhen.value === value) {
      await sendReply(dc.context, t(locale, slot.endsFormWhen.message));
      return dc.endDialog({ status: 'declined' } satisfies FormResult);
    }
    state.values[slot.name] = value;
    state.answered = [...state.answered.filter((name) => name !== slot.name), slot.name];
    const notice = slot.noticeAfter?.(value);
    if (notice) await sendReply(dc.context, t(locale, notice));
    return this.askNext(dc, state);
  }

  private async askNext(dc: DialogContext, state: FormRunState): Promise<DialogTurnResult> {
    const applicable = applicableSlots(this.form, state.values);
    // When correcting a submission, the named slots come first, even though they have values.
    const next =
      applicable.find((slot) => state.revise?.ask.includes(slot.name) && !state.answered.includes(slot.name)) ??
      applicable.find((slot) => state.values[slot.name] === undefined);
    // Once every question is answered, answers to questions that do not apply (the reason changed,
    // a guardian's ID sent up front but no minor) are not kept or filed.
    if (!next) {
      for (const slot of this.form.slots) {
        if (!applicable.includes(slot) && slot.name in state.values) delete state.values[slot.name];
      }
    }
    state.tries = 0;
    if (next) {
      state.phase = 'asking';
      state.current = next.name;
      await this.ask(dc.context, state, next);
    } else if (!this.form.summary) {
      return this.complete(dc, state);
    } else {
      state.phase = 'summary';
      state.current = undefined;
      await this.showSummary(dc.context, state);
    }
    return Dialog.EndOfTurn;
  }

  private async ask(context: TurnContext, state: FormRunState, slot: SlotDefinition): Promise<void> {
    const prompt = promptFor(this.form, slot, this.services.localeOf(context), state.values);
    await sendReply(context, prompt.text, prompt.actions);
  }

  private summarySlots(state: FormRunState): SlotDefinition[] {
    return summarySlots(this.form, state.values);
  }

  private async showSummary(context: TurnContext, state: FormRunState): Promise<void> {
    const locale = this.services.localeOf(context);
    const text = renderSummary(this.form, state.values, state.revise?.original, locale);
    if (text) await sendReply(context, text, [t(locale, 'form:action.confirm'), t(locale, 'form:action.edit')]);
  }

  private async askWhichField(context: TurnContext): Promise<void> {
    await sendReply(context, t(this.services.localeOf(context), 'form:whichField'));
  }

  private async onSummaryAnswer(dc: DialogContext, state: FormRunState, text: string): Promise<DialogTurnResult> {
    const locale = this.services.localeOf(dc.context);
    const answer = readSummaryAnswer(this.form, this.reader, state.values, text);
    if (answer?.kind === 'confirm') return this.complete(dc, state);
    if (answer?.kind === 'edit' && answer.field) return this.askToChange(dc, state, answer.field);
    if (answer?.kind === 'edit') {
      state.phase = 'pickField';
      await this.askWhichField(dc.context);
      return Dialog.EndOfTurn;
    }
    await sendReply(dc.context, t(locale, 'form:summaryNotUnderstood'), [
      t(locale, 'form:action.confirm'),
      t(locale, 'form:action.edit'),
    ]);
    return Dialog.EndOfTurn;
  }

  private async onFieldPicked(dc: DialogContext, state: FormRunState, text: string): Promise<DialogTurnResult> {
    const field = this.reader.findSlotByName(this.summarySlots(state), text);
    if (field) return this.askToChange(dc, state, field);
    await sendReply(dc.context, t(this.services.localeOf(dc.context), 'form:fieldNotFound'));
    return Dialog.EndOfTurn;
  }

  private async askToChange(dc: DialogContext, state: FormRunState, slot: SlotDefinition): Promise<DialogTurnResult> {
    state.phase = 'asking';
    state.current = slot.name;
    state.tries = 0;
    await this.ask(dc.context, state, slot);
    return Dialog.EndOfTurn;
  }

  private async complete(dc: DialogContext, state: FormRunState): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    const locale = this.services.localeOf(dc.context);
    let outcome: FormOutcome;
    try {
      outcome = await this.onComplete(state.values, {
        conversationId: activity.conversation.id,
        channel: activity.channelId,
        userId: activity.from.id,
        locale,
        runId: state.runId,
        revising: state.revise ? { reference: state.revise.reference } : undefined,
        say: (key, vars, actions) => sendReply(dc.context, t(locale, key, vars), actions),
        translate: (key, vars) => t(locale, key, vars),
      });
    } catch (error) {
      // The answers stay in the form; the merchant can confirm again once the desk answers.
      this.services.reportError(error, 'form_completion_failed');
      await sendReply(dc.context, t(locale, 'form:completionFailed'), [t(locale, 'form:action.confirm')]);
      return Dialog.EndOfTurn;
    }
    if (outcome.held && this.form.summary) {
      state.phase = 'summary';
      return Dialog.EndOfTurn;
    }
    return dc.endDialog({ status: 'completed', outcome } satisfies FormResult);
  }
}
