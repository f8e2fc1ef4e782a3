// The three decisions: approve; reject with a note; request changes with a note and the fields
// the merchant must give again. The draft lives in the page state, so a language switch or a
// refresh of the ticket keeps what the reviewer has typed.
// The lists shared with the server come from its own constants (src/http/reviewer-routes.ts).
import { DECISIONS, FIELD_NAMES, NOTE_MAX } from './contract.js';
import { el, translate } from './dom.js';

export function emptyDraft() {
  return { decision: undefined, note: '', fields: [] };
}

/** What is missing before the draft can be sent, as a catalog key; undefined when it is complete. */
export function draftProblem(draft) {
  if (draft.decision !== 'approve' && draft.note.trim() === '') return 'decide.noteMissing';
  if (draft.decision === 'request_changes' && draft.fields.length === 0) return 'decide.fieldsMissing';
  return undefined;
}

/** `view` is the page state for the open ticket: `{strings, draft, sending, formError}`. */
export function buildDecisionForm(view, onDecide) {
  const { strings, draft } = view;
  const t = (key, vars) => translate(strings.desk, key, vars);
  const form = el('form', { className: 'decision', noValidate: true });

  const choices = el(
    'fieldset',
    { className: 'choices' },
    el('legend', {}, t('decide.choice')),
    DECISIONS.map((decision) => {
      const input = el('input', {
        type: 'radio',
        name: 'decision',
        value: decision,
        checked: draft.decision === decision,
      });
      input.addEventListener('change', () => {
        draft.decision = decision;
        view.formError = undefined;
        update();
      });
      return el('label', { className: `choice choice--${decision}` }, input, el('span', {}, t(`decide.${decision}`)));
    }),
  );

  const fieldBoxes = el(
    'fieldset',
    { className: 'fields-to-change' },
    el('legend', {}, t('decide.fieldsLegend')),
    el(
      'div',
      { className: 'checkbox-grid' },
      FIELD_NAMES.map((name) => {
        const box = el('input', {
          type: 'checkbox',
          name: 'fields',
          value: name,
          checked: draft.fields.includes(name),
        });
        box.addEventListener('change', () => {
          draft.fields = FIELD_NAMES.filter((n) => (n === name ? box.checked : draft.fields.includes(n)));
          clearErrorOnceFixed();
        });
        return el('label', { className: 'checkbox' }, box, el('span', {}, translate(strings.unbind, `label.${name}`)));
      }),
    ),
  );

  const hint = el('p', { className: 'hint', id: 'note-hint' });
  const note = el('textarea', {
    id: 'decision-note',
    name: 'note',
    rows: 3,
    maxLength: NOTE_MAX,
    value: draft.note,
    'aria-describedby': 'note-hint',
  });
  note.addEventListener('input', () => {
    draft.note = note.value;
    clearErrorOnceFixed();
  });
  const noteLabel = el('label', { for: 'decision-note' }, t('decide.noteLabel'));
  const error = el(
    'p',
    { className: 'error', role: 'alert', hidden: !view.formError },
    view.formError ? t(view.formError) : '',
  );
  const submit = el('button', { type: 'submit', className: 'primary' });

  /** The error line goes as soon as what it asked for is there. */
  function clearErrorOnceFixed() {
    if (view.formError && draftProblem(draft) !== view.formError) {
      view.formError = undefined;
      error.hidden = true;
    }
  }

  function update() {
    const chosen = draft.decision;
    fieldBoxes.hidden = chosen !== 'request_changes';
    hint.textContent = t(chosen === 'approve' ? 'decide.noteOptional' : 'decide.noteRequired');
    note.required = chosen !== 'approve';
    submit.disabled = !chosen || view.sending;
    submit.className = `primary${chosen === 'reject' ? ' danger' : ''}`;
    submit.textContent = view.sending ? t('decide.sending') : t(`decide.submit.${chosen ?? 'approve'}`);
    if (!view.formError) error.hidden = true;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!draft.decision || view.sending) return;
    const problem = draftProblem(draft);
    if (problem) {
      view.formError = problem;
      error.textContent = t(problem);
      error.hidden = false;
      (problem === 'decide.noteMissing' ? note : fieldBoxes.querySelector('input'))?.focus();
      return;
    }
    const body = { decision: draft.decision };
    if (draft.note.trim()) body.note = draft.note.trim();
    if (draft.decision === 'request_changes') body.fields = [...draft.fields];
    onDecide(body);
  });

  update();
  form.append(choices, fieldBoxes, noteLabel, hint, note, error, submit);
  return form;
}
