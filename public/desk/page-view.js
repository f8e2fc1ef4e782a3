// The page's fixed parts: elements, catalog strings on data-i18n* elements, the sign-in form.
import { translate } from './dom.js';

const byId = (id) => document.getElementById(id);

export function createView() {
  const els = {
    app: document.querySelector('.desk'),
    signedInAs: byId('signed-in-as'),
    signOut: byId('sign-out'),
    languageButtons: [...document.querySelectorAll('[data-locale]')],
    signIn: byId('sign-in'),
    signInForm: byId('sign-in-form'),
    tokenInput: byId('token'),
    signInError: byId('sign-in-error'),
    signInSubmit: byId('sign-in-submit'),
    workspace: byId('workspace'),
    tabs: byId('tabs'),
    tabButtons: [...document.querySelectorAll('[role="tab"][data-tab]')],
    agentDesk: byId('agent-desk'),
    listPane: document.querySelector('.list-pane'),
    refresh: byId('refresh'),
    filters: byId('filters'),
    listError: byId('list-error'),
    rows: byId('ticket-rows'),
    empty: byId('list-empty'),
    ticketPane: byId('ticket-pane'),
    placeholder: byId('ticket-placeholder'),
    ticket: byId('ticket'),
  };

  function showSignInError(text) {
    els.signInError.hidden = !text;
    els.signInError.textContent = text ?? '';
  }

  function showListError(text) {
    els.listError.hidden = !text;
    els.listError.textContent = text ?? '';
  }

  function setSigningIn(busy, label) {
    els.signInSubmit.disabled = busy;
    els.signInSubmit.textContent = label;
  }

  return { els, showSignInError, showListError, setSigningIn };
}

export function applyStrings(els, strings, locale) {
  document.documentElement.lang = locale;
  document.title = strings.pageTitle;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = translate(strings, el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) {
    const label = translate(strings, el.dataset.i18nLabel);
    el.setAttribute('aria-label', label);
    if (el.tagName === 'BUTTON') el.title = label;
  }
  for (const button of els.languageButtons) {
    button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
  }
  els.app.removeAttribute('aria-busy');
}

/** The reviewer's browser language if the page speaks it, else Chinese. */
export function browserLocale() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en-US';
  }
  return 'zh-CN';
}

/** Below this width the list and the ticket are stacked, not side by side. */
export const narrowScreen = () => window.matchMedia('(max-width: 1099px)').matches;
