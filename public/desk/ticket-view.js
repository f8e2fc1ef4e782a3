// One ticket: its fields, each labelled as the merchant saw it in the form, its documents as
// links, its history, and the decision form while a decision is due.
import { DECIDABLE, DOCUMENTS } from './contract.js';
import { buildDecisionForm } from './decision-form.js';
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

function documentValue(strings, value) {
  if (!value) return el('span', { className: 'muted' }, translate(strings.desk, 'ticket.notGiven'));
  const href = safeHttpsUrl(value);
  if (!href) return translate(strings.desk, 'ticket.notSecureLink', { url: value });
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', className: 'doc-link' }, href);
}

/**
 * The documents to show: a lost device has a loss report instead of a photo, so the one its
 * condition does not ask for is shown only if the ticket holds it anyway.
 */
function documentsToShow(fields, documents) {
  const notAsked = fields.deviceCondition === 'lost' ? 'devicePhoto' : 'lossReport';
  return DOCUMENTS.filter((name) => name !== notAsked || documents[name]);
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
      fieldList(strings, documentsToShow(fields, documents), (name) => documentValue(strings, documents[name])),
    ),
    section(t('decide.title'), decision),
    section(t('history.title'), historyTable(strings, locale, audit)),
  ];
  // replaceChildren, unlike el(), would show a missing part as the text "null".
  article.replaceChildren(...parts.filter(Boolean));
  article.hidden = false;
}
