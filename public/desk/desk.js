// The reviewer's page: sign in with your own staff token, pick a ticket, read it, decide it.
// Plain ES modules, no build step; strings come from /locales/<lng>/desk.json and unbind.json.

import { emptyDraft } from './decision-form.js';
import { DeskApiError, decide, getTicket, listAudit, listTickets, loadStrings, whoAmI } from './desk-api.js';
import { translate } from './dom.js';
import { renderFilters, renderList } from './list-view.js';
import { applyStrings, browserLocale, createView, narrowScreen } from './page-view.js';
import { renderTicket } from './ticket-view.js';

const view = createView();
const { els } = view;
const state = {
  locale: localStorage.getItem('desk.locale') ?? browserLocale(),
  strings: null,
  token: sessionStorage.getItem('desk.token') ?? '',
  /** Who the token belongs to, as the server says: `{name, roles}` or `{name, machine: true}`. */
  me: undefined,
  tickets: [],
  filter: undefined,
  openId: undefined,
  ticket: undefined,
  audit: [],
  /** `{kind, key, vars}` above the open ticket, kept as a key so a language switch re-translates it. */
  notice: undefined,
  draft: emptyDraft(),
  sending: false,
  formError: undefined,
  /** The sign-in form's error, as a catalog key. */
  signInError: undefined,
};
const session = () => ({ token: state.token, locale: state.locale });
const t = (key, vars) => translate(state.strings.desk, key, vars);

function renderWorkspace() {
  renderFilters(els.filters, state, (status) => {
    state.filter = status;
    renderWorkspace();
  });
  renderList(els, state);
  els.placeholder.hidden = Boolean(state.ticket);
  if (!state.ticket) {
    els.ticket.hidden = true;
    return;
  }
  const notice = state.notice && { kind: state.notice.kind, text: t(state.notice.key, state.notice.vars) };
  renderTicket(els.ticket, state, notice, { onDecide: sendDecision, onBack: backToList });
}

function showSignIn(errorKey) {
  state.signInError = errorKey;
  els.signIn.hidden = false;
  els.workspace.hidden = true;
  els.signOut.hidden = true;
  els.signedInAs.hidden = true;
  view.showSignInError(errorKey ? t(errorKey) : undefined);
  els.tokenInput.focus();
}

function showWorkspace() {
  els.signIn.hidden = true;
  els.workspace.hidden = false;
  els.signOut.hidden = false;
  els.signedInAs.hidden = !state.me;
  if (state.me) {
    els.signedInAs.textContent = state.me.machine ? t('signedInMachine') : t('signedInAs', { name: state.me.name });
  }
  renderWorkspace();
}

function signOut(errorKey) {
  sessionStorage.removeItem('desk.token');
  Object.assign(state, {
    token: '',
    me: undefined,
    tickets: [],
    openId: undefined,
    ticket: undefined,
    notice: undefined,
  });
  history.replaceState(null, '', location.pathname);
  showSignIn(errorKey);
}

/** An error's message key for the reviewer; a rejected token signs out instead. */
function errorNotice(error) {
  if (!(error instanceof DeskApiError) || error.status === undefined) return { kind: 'error', key: 'error.network' };
  if (error.status === 401) {
    signOut('signIn.expired');
    return undefined;
  }
  if (error.status === 404) return { kind: 'error', key: 'error.notFound' };
  if (error.status === 409) return { kind: 'error', key: 'error.conflict' };
  if (error.status === 400) return { kind: 'error', key: 'error.invalid', vars: { message: error.message } };
  return { kind: 'error', key: 'error.generic', vars: { message: error.message } };
}

async function refreshList() {
  try {
    state.tickets = await listTickets(session());
    view.showListError(undefined);
  } catch (error) {
    const notice = errorNotice(error);
    if (notice) view.showListError(t(notice.key, notice.vars));
  }
  if (state.token) renderWorkspace();
}

async function openTicket(id, { keepNotice = false } = {}) {
  if (id !== state.openId) Object.assign(state, { draft: emptyDraft(), formError: undefined });
  if (!keepNotice) state.notice = undefined;
  state.openId = id;
  try {
    const [ticket, audit] = await Promise.all([getTicket(session(), id), listAudit(session(), id)]);
    if (state.openId !== id) return;
    Object.assign(state, { ticket, audit });
  } catch (error) {
    const notice = errorNotice(error);
    if (!notice) return;
    Object.assign(state, { ticket: undefined, notice });
    view.showListError(t(notice.key, notice.vars));
  }
  renderWorkspace();
  if (state.ticket && narrowScreen()) els.ticketPane.scrollIntoView({ block: 'start' });
}

async function sendDecision(body) {
  const id = state.openId;
  state.sending = true;
  renderWorkspace();
  try {
    await decide(session(), id, body);
    state.notice = { kind: 'success', key: `decide.done.${body.decision}`, vars: { id } };
    state.draft = emptyDraft();
  } catch (error) {
    state.notice = errorNotice(error);
  } finally {
    state.sending = false;
  }
  if (!state.token) return;
  await Promise.all([refreshList(), openTicket(id, { keepNotice: true })]);
}

function backToList() {
  els.listPane.scrollIntoView({ block: 'start' });
}

function openFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (state.token && id && id !== state.openId) void openTicket(id);
}

/** Signs in with a token; the name shown and recorded is the one the server knows it by. */
async function signIn(token) {
  if (!token) return showSignIn('signIn.tokenMissing');
  view.setSigningIn(true, t('signIn.checking'));
  state.token = token;
  try {
    [state.me, state.tickets] = await Promise.all([whoAmI(session()), listTickets(session())]);
    sessionStorage.setItem('desk.token', token);
    els.tokenInput.value = '';
    showWorkspace();
    openFromHash();
  } catch (error) {
    Object.assign(state, { token: '', me: undefined });
    const wrong = error instanceof DeskApiError && error.status === 401;
    showSignIn(wrong ? 'signIn.wrongToken' : 'error.network');
  } finally {
    view.setSigningIn(false, t('signIn.submit'));
  }
}

async function switchLanguage(locale) {
  state.strings = await loadStrings(locale);
  state.locale = locale;
  applyStrings(els, state.strings.desk, locale);
  if (!els.workspace.hidden) showWorkspace();
  if (!els.signIn.hidden) view.showSignInError(state.signInError && t(state.signInError));
}

els.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(els.tokenInput.value.trim());
});
els.signOut.addEventListener('click', () => signOut());
els.refresh.addEventListener('click', () => {
  void refreshList();
  if (state.openId) void openTicket(state.openId);
});
els.rows.addEventListener('click', (event) => {
  const row = event.target.closest('tr[data-id]');
  // A modified click on the link opens the ticket in a new tab, as links do.
  if (!row || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  const hash = `#${encodeURIComponent(row.dataset.id)}`;
  if (location.hash !== hash) history.pushState(null, '', hash);
  void openTicket(row.dataset.id);
});
window.addEventListener('hashchange', openFromHash);
for (const button of els.languageButtons) {
  button.addEventListener('click', () => {
    localStorage.setItem('desk.locale', button.dataset.locale);
    void switchLanguage(button.dataset.locale);
  });
}

// The strings are the page: keep trying until they arrive.
for (let attempt = 1; !state.strings; attempt++) {
  try {
    await switchLanguage(state.locale);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 1000));
  }
}
if (state.token) await signIn(state.token);
else showSignIn();
