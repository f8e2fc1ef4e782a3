// The ticket list: a status filter with counts, and a table of tickets, newest first.
// Every status, in the order of a ticket's life: the server's own list (src/http/reviewer-routes.ts).
import { STATUSES } from './contract.js';
import { el, formatTime, translate } from './dom.js';

export function newestFirst(tickets) {
  return [...tickets].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

export function statusBadge(strings, status) {
  return el('span', { className: `status status--${status}` }, translate(strings.desk, `status.${status}`));
}

/** The filter buttons: All and each status, with how many tickets it has. */
export function renderFilters(container, { strings, tickets, filter }, onFilter) {
  const count = (status) => tickets.filter((t) => !status || t.status === status).length;
  const buttons = [undefined, ...STATUSES].map((status) => {
    const label = status ? translate(strings.desk, `status.${status}`) : translate(strings.desk, 'filter.all');
    const button = el(
      'button',
      {
        type: 'button',
        className: 'filter',
        'data-status': status ?? 'all',
        'aria-pressed': String(filter === status),
      },
      el('span', { className: 'filter-label' }, label),
      el('span', { className: 'count' }, String(count(status))),
    );
    button.addEventListener('click', () => onFilter(status));
    return button;
  });
  container.replaceChildren(...buttons);
}

/** The table rows for the filtered tickets; the open one is marked. Clicks are handled by the page. */
export function renderList(els, { strings, locale, tickets, filter, openId }) {
  const shown = newestFirst(tickets.filter((t) => !filter || t.status === filter));
  const rows = shown.map((ticket) => {
    const link = el('a', { href: `#${encodeURIComponent(ticket.id)}`, className: 'ticket-link' }, ticket.id);
    const row = el(
      'tr',
      { 'data-id': ticket.id, 'aria-current': ticket.id === openId ? 'true' : undefined },
      el('td', { className: 'mono' }, link),
      el('td', {}, formatTime(ticket.createdAt, locale)),
      el('td', { className: 'mono' }, ticket.fields.merchantNo),
      el('td', {}, translate(strings.unbind, `reason.${ticket.fields.reason}`)),
      el('td', {}, statusBadge(strings, ticket.status)),
    );
    return row;
  });
  els.rows.replaceChildren(...rows);
  els.empty.hidden = shown.length > 0;
  els.empty.textContent = translate(strings.desk, 'list.empty');
}
