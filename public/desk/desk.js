// The staff page: sign in with your own staff token. A reviewer picks a ticket, reads it, decides
// it; an agent takes conversations from the queue (agent-desk.js); a person with both roles gets
// both, as tabs. Plain ES modules, no build step; strings come from /locales/<lng>/desk.json and
// unbind.json.

import { createAgentDesk } from './agent-desk.js';
import { emptyDraft } from './decision-form.js';
import {
  DeskApiError,
  decide,
  getTicket,
  listAudit,
  listTickets,
  loadStrings,
  whoAmI,
  whoAmIAsAgent,
} from './desk-api.js';
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
  /** What the token may do here: the tickets (a reviewer, or the desk's machine token), the agent workspace. */
  canReview: false,
  canAgent: false,
  /** The tab shown: `tickets` or `agent`. */
  tab: 'tickets',
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
const agentDesk = createAgentDesk({
  getStrings: () => state.strings,
  session,
  me: () => state.me,
  onUnauthorized: () => signOut('signIn.expired'),
});

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
  els.agentDesk.hidden = true;
  els.tabs.hidden = true;
  els.signOut.hidden = true;
  els.signedInAs.hidden = true;
  view.showSignInError(errorKey ? t(errorKey) : undefined);
  els.tokenInput.focus();
}

function signedInText(me) {
  if (me.machine) return t('signedInMachine');
  const key = state.canReview ? (state.canAgent ? 'signedInAsStaff' : 'signedInAs') : 'signedInAsAgent';
  return t(key, { name: me.name });
}

function showWorkspace() {
  els.signIn.hidden = true;
  els.signOut.hidden = false;
  els.signedInAs.hidden = !state.me;
  if (state.me) els.signedInAs.textContent = signedInText(state.me);
  els.tabs.hidden = !(state.canReview && state.canAgent);
  for (const tab of els.tabButtons) {
    const selected = tab.dataset.tab === state.tab;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  els.workspace.hidden = state.tab !== 'tickets';
  els.agentDesk.hidden = state.tab !== 'agent';
  if (state.canReview) renderWorkspace();
  if (state.canAgent) agentDesk.start();
}

function chooseTab(tab, { focus = false } = {}) {
  state.tab = tab;
  showWorkspace();
  if (focus) els.tabButtons.find((button) => button.dataset.tab === tab)?.focus();
}

function signOut(errorKey) {
  sessionStorage.removeItem('desk.token');
  agentDesk.stop();
  Object.assign(state, {
    token: '',
    me: undefined,
    canReview: false,
    canAgent: false,
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
  if (state.token && state.canReview && id && id !== state.openId) void openTicket(id);
}

/** Signs in with a token; the name shown and recorded is the one the server knows it by. */
async function signIn(token) {
  if (!token) return showSignIn('signIn.tokenMissing');
  view.setSigningIn(true, t('signIn.checking'));
  state.token = token;
  try {
    // A reviewer (or the desk's machine token) is known to the desk API, an agent to the agent API.
    const [asReviewer, asAgent] = await Promise.allSettled([whoAmI(session()), whoAmIAsAgent(session())]);
    const refused = (result) => result.reason instanceof DeskApiError && result.reason.status === 401;
    if (asReviewer.status === 'rejected' && asAgent.status === 'rejected') {
      throw refused(asReviewer) && refused(asAgent) ? asReviewer.reason : new DeskApiError(undefined, 'network');
    }
    state.canReview = asReviewer.status === 'fulfilled';
    state.canAgent = asAgent.status === 'fulfilled';
    state.me = state.canReview ? asReviewer.value : asAgent.value;
    state.tab = state.canReview ? 'tickets' : 'agent';
    state.tickets = state.canReview ? await listTickets(session()) : [];
    sessionStorage.setItem('desk.token', token);
    els.tokenInput.value = '';
    showWorkspace();
    openFromHash();
  } catch (error) {
    Object.assign(state, { token: '', me: undefined, canReview: false, canAgent: false });
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
  if (state.me && els.signIn.hidden) {
    showWorkspace();
    if (state.canAgent) agentDesk.render();
  }
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
for (const tab of els.tabButtons) {
  tab.addEventListener('click', () => chooseTab(tab.dataset.tab));
  // Arrow keys move between tabs, as the tab pattern has it.
  tab.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const i = els.tabButtons.indexOf(tab);
    const next =
      els.tabButtons[(i + (event.key === 'ArrowRight' ? 1 : -1) + els.tabButtons.length) % els.tabButtons.length];
    chooseTab(next.dataset.tab, { focus: true });
  });
}
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
