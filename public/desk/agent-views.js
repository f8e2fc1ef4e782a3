// What the agent workspace draws: queue items, transcript entries, the form's answers, call-back
// requests. Merchants' words only ever go in as text (el() adds strings as text nodes).
import { el, formatTime, translate } from './dom.js';

/** A label from a catalog section, or the code itself when the catalog has none for it. */
export function labelOf(catalog, section, code) {
  const key = `${section}.${code}`;
  const text = translate(catalog, key);
  return text === key ? String(code) : text;
}

/** "3 分钟": how long since `iso`, at `now` (ms). */
export function waitingText(strings, iso, now) {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return translate(strings.desk, 'wait.underMinute');
  if (minutes < 60) return translate(strings.desk, 'wait.minutes', { minutes });
  return translate(strings.desk, 'wait.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

export const sameAddress = (a, b) =>
  Boolean(a && b) && a.channel === b.channel && a.conversationId === b.conversationId;

/** Who an owner is, in words: the bot, the queue, an agent (by name). */
export function ownerText(strings, owner, me) {
  if (owner === `agent:${me}`) return translate(strings.desk, 'owner.you');
  if (owner?.startsWith('agent:')) return translate(strings.desk, 'owner.agent', { name: owner.slice(6) });
  return labelOf(strings.desk, 'owner', owner ?? 'bot');
}

function detailLine(strings, item) {
  return [
    labelOf(strings.desk, 'channel', item.channel),
    labelOf(strings.desk, 'languageName', item.locale),
    labelOf(strings.desk, 'queueReason', item.reason),
  ].join(' · ');
}

/** The queue: one button per waiting conversation, the open one marked. */
export function renderQueue(els, { strings, queue, open, now }, onOpen) {
  const items = queue.map((item) => {
    const button = el(
      'button',
      {
        type: 'button',
        className: 'queue-item',
        'data-conversation': item.conversationId,
        'data-channel': item.channel,
        'aria-current': sameAddress(item, open) ? 'true' : undefined,
      },
      el(
        'span',
        { className: 'queue-item-head' },
        el('span', { className: 'mono queue-id' }, item.conversationId),
        el(
          'span',
          { className: 'waiting', 'data-since': item.waitingSince },
          waitingText(strings, item.waitingSince, now),
        ),
      ),
      el('span', { className: 'queue-item-detail' }, detailLine(strings, item)),
      item.owner === 'bot' ? el('span', { className: 'hint' }, translate(strings.desk, 'queue.botServing')) : null,
    );
    const { conversationId, channel, locale } = item;
    button.addEventListener('click', () => onOpen({ conversationId, channel, locale }));
    return el('li', {}, button);
  });
  els.queueList.replaceChildren(...items);
  els.queueEmpty.hidden = queue.length > 0;
}

/** Refreshes only the waiting times, so the list is not redrawn under the pointer. */
export function tickWaiting(els, strings, now) {
  for (const span of els.queueList.querySelectorAll('.waiting[data-since]')) {
    span.textContent = waitingText(strings, span.dataset.since, now);
  }
}

function authorKind(author) {
  return author.startsWith('agent:') ? 'agent' : author;
}

function authorText(strings, author, me) {
  if (author === `agent:${me}`) return translate(strings.desk, 'author.you');
  if (author.startsWith('agent:')) return translate(strings.desk, 'author.agent', { name: author.slice(6) });
  return labelOf(strings.desk, 'author', author);
}

/** One transcript entry: who, when, what. */
export function transcriptEntry(strings, entry, { me, locale }) {
  return el(
    'li',
    { className: `entry entry--${authorKind(entry.author)}`, 'data-id': String(entry.id) },
    el(
      'span',
      { className: 'entry-head' },
      el('span', { className: 'entry-author' }, authorText(strings, entry.author, me)),
      el('time', { className: 'entry-time', dateTime: entry.at }, formatTime(entry.at, locale)),
    ),
    el('span', { className: 'entry-text' }, entry.text),
  );
}

function answerValue(strings, name, value) {
  if (typeof value === 'boolean') return translate(strings.desk, value ? 'ticket.yes' : 'ticket.no');
  if (name === 'deviceCondition') return labelOf(strings.unbind, 'condition', value);
  if (name === 'reason') return labelOf(strings.unbind, 'reason', value);
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The form's fields an agent may fill: those the form labels, but the privacy consent (the merchant's own). */
export function editableFields(strings) {
  return Object.keys(strings.unbind.label ?? {}).filter((name) => name !== 'consent');
}

/** The form's answers so far, and the field list of the edit form (keeps the chosen field). */
export function renderAnswers(els, strings, answers) {
  const entries = Object.entries(answers ?? {}).filter(([, value]) => value !== undefined && value !== null);
  els.answers.replaceChildren(
    ...entries.flatMap(([name, value]) => [
      el('dt', {}, labelOf(strings.unbind, 'label', name)),
      el('dd', { 'data-field': name }, answerValue(strings, name, value)),
    ]),
  );
  els.answersEmpty.hidden = entries.length > 0;
  els.answersEmpty.textContent = translate(strings.desk, answers ? 'answers.empty' : 'answers.noForm');
  els.fieldForm.hidden = !answers;
  const chosen = els.fieldName.value;
  els.fieldName.replaceChildren(
    ...editableFields(strings).map((name) =>
      el('option', { value: name, selected: name === chosen }, labelOf(strings.unbind, 'label', name)),
    ),
  );
}

/** 138****5678: enough to recognise, not enough to call. */
export function maskPhone(phone) {
  return phone.length > 7 ? `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}` : '****';
}

/** The call-back requests, open first; a phone shown in full only after its button is pressed. */
export function renderCallbacks(els, { strings, locale, callbacks, revealed }, handlers) {
  const d = (key, vars) => translate(strings.desk, key, vars);
  const items = callbacks.map((callback) => {
    const shown = revealed.has(callback.id);
    let phone = el('span', { className: 'muted' }, d('callbacks.noPhone'));
    if (callback.phone) {
      const reveal = el(
        'button',
        { type: 'button', className: 'secondary reveal-phone', 'aria-expanded': String(shown) },
        d(shown ? 'callbacks.hidePhone' : 'callbacks.showPhone'),
      );
      reveal.addEventListener('click', () => handlers.onReveal(callback.id));
      phone = el(
        'span',
        { className: 'phone' },
        shown
          ? el('a', { href: `tel:${callback.phone}`, className: 'mono phone-number' }, callback.phone)
          : el('span', { className: 'mono phone-number' }, maskPhone(callback.phone)),
        reveal,
      );
    }
    let state;
    if (callback.closedAt) {
      const by = callback.closedBy?.startsWith('agent:') ? callback.closedBy.slice(6) : (callback.closedBy ?? '');
      state = el(
        'p',
        { className: 'callback-closed' },
        d('callbacks.closed', { name: by, at: formatTime(callback.closedAt, locale) }),
      );
    } else {
      state = el('button', { type: 'button', className: 'primary close-callback' }, d('callbacks.close'));
      state.addEventListener('click', () => handlers.onClose(callback.id));
    }
    const open = el(
      'button',
      { type: 'button', className: 'secondary open-callback' },
      d('callbacks.openConversation'),
    );
    open.addEventListener('click', () =>
      handlers.onOpen({ conversationId: callback.conversationId, channel: callback.channel, locale: callback.locale }),
    );
    return el(
      'li',
      { className: `callback${callback.closedAt ? ' callback--closed' : ''}`, 'data-id': callback.id },
      el(
        'span',
        { className: 'callback-head' },
        el('span', { className: 'mono' }, callback.id),
        el('time', { dateTime: callback.createdAt }, formatTime(callback.createdAt, locale)),
      ),
      el(
        'span',
        { className: 'callback-detail' },
        [
          labelOf(strings.desk, 'callbackReason', callback.reason),
          labelOf(strings.desk, 'languageName', callback.locale),
          labelOf(strings.desk, 'channel', callback.channel),
        ].join(' · '),
      ),
      phone,
      el('span', { className: 'callback-actions' }, state, open),
    );
  });
  els.callbackList.replaceChildren(...items);
  els.callbacksEmpty.hidden = callbacks.length > 0;
}
