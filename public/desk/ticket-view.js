// One ticket: its fields, each labelled as the merchant saw it in the form, its documents (an
// uploaded photo as a thumbnail that opens full size, a link as a link), its history, and the
// decision form while a decision is due.
import { DECIDABLE, DOCUMENTS } from './contract.js';
import { buildDecisionForm } from './decision-form.js';
import { fetchDocument } from './desk-api.js';
import { el, formatTime, safeHttpsUrl, translate } from './dom.js';
import { statusBadge } from './list-view.js';

const GROUPS = [
  ['device', ['sn', 'merchantNo', 'deviceCondition']],
  ['request', ['reason', 'reasonDetail', 'involvesMinor']],
  ['contact', ['contactName', 'phone', 'email']],
];

const fieldLabel = (strings, name) => translate(strings.unbind, `label.${name}`);

function fieldValue(strings, name, value) {
  const t = (key) => translate(strings.desk, key);
  if (value === undefined || value === null || value === '')
    return el('span', { className: 'muted' }, t('ticket.notGiven'));
  if (name === 'deviceCondition') return translate(strings.unbind, `condition.${value}`);
  if (name === 'reason') return translate(strings.unbind, `reason.${value}`);
  if (name === 'involvesMinor') return t(value ? 'ticket.yes' : 'ticket.no');
  return String(value);
}

const DOCUMENT_REFERENCE = 'document:';

/** Object URLs of the ticket shown: released when another ticket (or this one again) is drawn. */
let shownObjectUrls = [];

function releaseObjectUrls() {
  for (const url of shownObjectUrls) URL.revokeObjectURL(url);
  shownObjectUrls = [];
}

function objectUrlOf(blob) {
  const url = URL.createObjectURL(blob);
  shownObjectUrls.push(url);
  return url;
}

/** The full-size document: an image in a modal dialog (Escape or the button closes it), a PDF in a new tab. */
async function openFullSize(strings, session, documentId, label, trigger) {
  const t = (key, vars) => translate(strings.desk, key, vars);
  trigger.setAttribute('aria-busy', 'true');
  let blob;
  try {
    blob = await fetchDocument(session, documentId, 'full');
  } catch {
    trigger.removeAttribute('aria-busy');
    trigger.after(el('p', { className: 'notice notice--error', role: 'alert' }, t('ticket.documentUnavailable')));
    return;
  }
  trigger.removeAttribute('aria-busy');
  const url = objectUrlOf(blob);
  if (!blob.type.startsWith('image/')) {
    window.open(url, '_blank', 'noopener');
    return;
  }
  const close = el('button', { type: 'button', className: 'link-button doc-close' }, t('ticket.closeDocument'));
  const dialog = el(
    'dialog',
    { className: 'doc-dialog', 'aria-label': label },
    el('img', { src: url, alt: label, className: 'doc-full' }),
    el('p', { className: 'doc-caption' }, label),
    close,
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    trigger.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/** An uploaded document: its thumbnail (a PDF has none), in a button that opens it full size. */
function uploadedDocument(strings, session, documentId, label) {
  const t = (key, vars) => translate(strings.desk, key, vars);
  const image = el('img', { alt: label, className: 'doc-thumb-image', hidden: true });
  const placeholder = el('span', { className: 'doc-thumb-placeholder' }, t('ticket.documentLoading'));
  const button = el(
    'button',
    { type: 'button', className: 'doc-thumb' },
    image,
    placeholder,
    el('span', { className: 'doc-thumb-label' }, t('ticket.openDocument', { label })),
  );
  button.addEventListener('click', () => openFullSize(strings, session, documentId, label, button));
  fetchDocument(session, documentId, 'thumbnail').then(
    (blob) => {
      image.src = objectUrlOf(blob);
      image.hidden = false;
      placeholder.remove();
    },
    // 404: a PDF has no thumbnail; the button still opens it.
    (error) => {
      placeholder.textContent = t(error.status === 404 ? 'ticket.documentNoPreview' : 'ticket.documentUnavailable');
    },
  );
  return button;
}

function documentValue(strings, session, name, value) {
  if (!value) return el('span', { className: 'muted' }, translate(strings.desk, 'ticket.notGiven'));
  if (value.startsWith(DOCUMENT_REFERENCE)) {
    return uploadedDocument(strings, session, value.slice(DOCUMENT_REFERENCE.length), fieldLabel(strings, name));
  }
  const href = safeHttpsUrl(value);
  if (!href) return translate(strings.desk, 'ticket.notSecureLink', { url: value });
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', className: 'doc-link' }, href);
}

/**
 * The documents to show: those the ticket's answers ask for (a lost device has a loss report
 * instead of a photo; a new representative's ID only for that reason; a guardian's only with a
 * minor), and any other the ticket holds anyway.
 */
function documentsToShow(fields, documents) {
  const asked = {
    devicePhoto: fields.deviceCondition !== 'lost',
    lossReport: fields.deviceCondition === 'lost',
    newLegalRepId: fields.reason === 'legal_rep_change',
    guardianId: fields.involvesMinor === true,
  };
  return DOCUMENTS.filter((name) => asked[name] !== false || documents[name]);
}

function fieldList(strings, names, display) {
  return el(
    'dl',
    { className: 'fields' },
    names.map((name) =>
      el(
        'div',
        { className: 'field', 'data-field': name },
        el('dt', {}, fieldLabel(strings, name)),
        el('dd', {}, display(name)),
      ),
    ),
  );
}

function section(title, ...content) {
  return el('section', { className: 'ticket-section' }, el('h3', {}, title), ...content);
}

/** Who made a change, in words: `merchant:…`, `reviewer:<name>`, `desk-api`, or whatever a system wrote. */
function actor(strings, by) {
  const [kind, ...rest] = by.split(':');
  if (kind === 'merchant') return translate(strings.desk, 'history.merchant');
  if (by === 'desk-api') return translate(strings.desk, 'history.machine');
  if (kind === 'reviewer') return translate(strings.desk, 'history.reviewer', { name: rest.join(':') });
  return by;
}

function historyTable(strings, locale, entries) {
  const t = (key) => translate(strings.desk, key);
  if (entries.length === 0) return el('p', { className: 'empty' }, t('history.empty'));
  const list = new Intl.ListFormat(locale, { type: 'conjunction' });
  const head = ['at', 'by', 'status', 'note', 'fields'].map((key) => el('th', { scope: 'col' }, t(`history.${key}`)));
  const rows = entries.map((entry) =>
    el(
      'tr',
      {},
      el('td', { className: 'nowrap' }, formatTime(entry.at, locale)),
      el('td', { className: 'actor' }, actor(strings, entry.by)),
      el('td', {}, statusBadge(strings, entry.to)),
      el('td', { className: 'note' }, entry.note ?? ''),
      el('td', {}, list.format((entry.fields ?? []).map((name) => fieldLabel(strings, name)))),
    ),
  );
  return el('table', { className: 'history' }, el('thead', {}, el('tr', {}, head)), el('tbody', {}, rows));
}

/**
 * Draws the ticket into `article`. `view` is the page state (`strings, locale, ticket, audit,
 * draft, sending, formError`), `notice` an optional `{kind, text}` line above the ticket;
 * `onDecide(body)` sends a decision, `onBack()` returns to the list on narrow screens.
 */
export function renderTicket(article, view, notice, { onDecide, onBack }) {
  const { strings, locale, ticket, audit } = view;
  const session = { token: view.token, locale };
  releaseObjectUrls();
  const t = (key, vars) => translate(strings.desk, key, vars);
  const { documents, ...fields } = ticket.fields;

  const back = el('button', { type: 'button', className: 'link-button back' }, `← ${t('ticket.backToList')}`);
  back.addEventListener('click', onBack);
  const header = el(
    'header',
    { className: 'ticket-head' },
    back,
    el(
      'div',
      { className: 'ticket-title' },
      el('h2', { className: 'mono' }, ticket.id),
      statusBadge(strings, ticket.status),
    ),
    el(
      'p',
      { className: 'meta' },
      `${t('ticket.createdAt')} ${formatTime(ticket.createdAt, locale)} · ${t('ticket.updatedAt')} ${formatTime(ticket.updatedAt, locale)} · ${t('ticket.channel')} ${ticket.channel} · ${t('ticket.locale')} ${translate(strings.desk, `languageName.${ticket.locale}`)}`,
    ),
  );
  const noticeLine = notice
    ? el(
        'p',
        { className: `notice notice--${notice.kind}`, role: notice.kind === 'error' ? 'alert' : 'status' },
        notice.text,
      )
    : null;

  // A withdrawn (cancelled) ticket says so: the merchant stopped it, not a colleague.
  const decision = DECIDABLE.includes(ticket.status)
    ? buildDecisionForm(view, onDecide)
    : el(
        'p',
        { className: 'hint not-decidable' },
        ticket.status === 'cancelled'
          ? t('decide.withdrawn')
          : t('decide.notDecidable', { status: t(`status.${ticket.status}`) }),
      );

  const parts = [
    header,
    noticeLine,
    el(
      'div',
      { className: 'field-groups' },
      GROUPS.map(([group, names]) =>
        section(
          t(`ticket.${group}`),
          fieldList(strings, names, (name) => fieldValue(strings, name, fields[name])),
        ),
      ),
    ),
    section(
      t('ticket.documents'),
      fields.deviceCondition === 'lost' ? el('p', { className: 'hint lost-device' }, t('ticket.lostDevice')) : null,
      fieldList(strings, documentsToShow(fields, documents), (name) =>
        documentValue(strings, session, name, documents[name]),
      ),
    ),
    section(t('decide.title'), decision),
    section(t('history.title'), historyTable(strings, locale, audit)),
  ];
  // replaceChildren, unlike el(), would show a missing part as the text "null".
  article.replaceChildren(...parts.filter(Boolean));
  article.hidden = false;
}
