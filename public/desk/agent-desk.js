// The agent workspace: the queue (live), one conversation (claim, read, write, fill a field, hand
// back, close), and call-back requests. The server's stored transcript and queue are the truth:
// after a dropped stream the page reads them again and adds only what it had not shown.

import {
  editableFields,
  labelOf,
  ownerText,
  renderAnswers,
  renderCallbacks,
  renderQueue,
  sameAddress,
  tickWaiting,
  transcriptEntry,
} from './agent-views.js';
import { agentApi, DeskApiError } from './desk-api.js';
import { translate } from './dom.js';
import { narrowScreen } from './page-view.js';

/** The channels a conversation can be on, for opening one by id. */
const CHANNELS = ['webchat', 'wechat', 'slack', 'botframework', 'console'];
const TICK_MS = 5_000;
/** Call-back requests have no live events: read again this often (and after each reconnect). */
const CALLBACKS_EVERY_MS = 60_000;
const RECONNECT_MAX_MS = 15_000;

const byId = (id) => document.getElementById(id);

export function createAgentDesk({ getStrings, session, me, onUnauthorized }) {
  const els = {
    root: byId('agent-desk'),
    liveStatus: byId('live-status'),
    queueList: byId('queue-list'),
    queueEmpty: byId('queue-empty'),
    queueError: byId('queue-error'),
    openForm: byId('open-by-id'),
    openId: byId('open-id'),
    openChannel: byId('open-channel'),
    openError: byId('open-error'),
    callbackList: byId('callback-list'),
    callbacksEmpty: byId('callbacks-empty'),
    callbacksError: byId('callbacks-error'),
    callbacksRefresh: byId('callbacks-refresh'),
    pane: byId('conversation-pane'),
    placeholder: byId('conversation-placeholder'),
    conversation: byId('conversation'),
    title: byId('conversation-title'),
    meta: byId('conversation-meta'),
    notice: byId('conversation-notice'),
    claim: byId('claim'),
    handBack: byId('handback'),
    close: byId('close-conversation'),
    backToQueue: byId('back-to-queue'),
    transcript: byId('transcript'),
    replyForm: byId('reply-form'),
    replyText: byId('reply-text'),
    replyHint: byId('reply-hint'),
    send: byId('send'),
    answers: byId('answers'),
    answersEmpty: byId('answers-empty'),
    fieldForm: byId('field-form'),
    fieldName: byId('field-name'),
    fieldValue: byId('field-value'),
    fieldError: byId('field-error'),
    fieldSave: byId('field-save'),
  };
  const state = {
    queue: [],
    callbacks: [],
    /** Call-back ids whose phone number the agent chose to see. */
    revealed: new Set(),
    /** The open conversation's address, and what the server said of it. */
    open: undefined,
    view: undefined,
    /** The last transcript entry shown: later ones are appended, earlier ones never twice. */
    lastEntryId: 0,
    /** `{kind, key, vars}` about the open conversation, kept as a key so a language switch re-translates it. */
    notice: undefined,
    fieldError: undefined,
    live: 'connecting',
    busy: false,
  };
  let stream;
  let reconnectTimer;
  let reconnectDelay = 1000;
  let ticker;
  let callbacksTimer;
  let started = false;

  const strings = () => getStrings();
  const t = (key, vars) => translate(strings().desk, key, vars);
  const myName = () => me().name;

  /** A failed call as a notice; a token no longer accepted signs out. */
  function noticeOf(error) {
    if (!(error instanceof DeskApiError) || error.status === undefined) return { kind: 'error', key: 'error.network' };
    if (error.status === 401) {
      onUnauthorized();
      return undefined;
    }
    if (error.code === 'already_claimed' || error.code === 'not_owner') {
      const owner = error.owner ?? 'bot';
      return owner.startsWith('agent:')
        ? { kind: 'error', key: 'agentError.ownedBy', vars: { name: owner.slice(6) } }
        : { kind: 'error', key: 'agentError.notYours' };
    }
    if (error.status === 404) return { kind: 'error', key: 'agentError.notFound' };
    if (error.status === 409 && error.code === 'conversation_ambiguous')
      return { kind: 'error', key: 'agentError.ambiguous' };
    return { kind: 'error', key: 'error.generic', vars: { message: error.message } };
  }

  function renderLive() {
    els.liveStatus.textContent = t(`live.${state.live}`);
    els.liveStatus.dataset.state = state.live;
  }

  function renderQueueNow() {
    renderQueue(els, { strings: strings(), queue: state.queue, open: state.open, now: Date.now() }, openConversation);
  }

  function renderCallbacksNow() {
    renderCallbacks(
      els,
      { strings: strings(), locale: session().locale, callbacks: state.callbacks, revealed: state.revealed },
      {
        onReveal: (id) => {
          if (state.revealed.has(id)) state.revealed.delete(id);
          else state.revealed.add(id);
          renderCallbacksNow();
          els.callbackList.querySelector(`li[data-id="${CSS.escape(id)}"] .reveal-phone`)?.focus();
        },
        onClose: closeCallback,
        onOpen: openConversation,
      },
    );
  }

  /** Everything about the open conversation except its transcript, which only grows. */
  function renderConversationFrame() {
    els.placeholder.hidden = Boolean(state.view);
    els.conversation.hidden = !state.view;
    if (!state.view) return;
    const { address, owner } = state.view;
    const locale = state.view.queue?.locale ?? state.open.locale;
    els.title.textContent = t('conversation.title', { id: address.conversationId });
    els.meta.textContent = [
      labelOf(strings().desk, 'channel', address.channel),
      locale ? labelOf(strings().desk, 'languageName', locale) : null,
      t('conversation.owner', { owner: ownerText(strings(), owner, myName()) }),
    ]
      .filter(Boolean)
      .join(' · ');
    els.notice.hidden = !state.notice;
    els.notice.className = state.notice ? `notice notice--${state.notice.kind}` : '';
    els.notice.textContent = state.notice ? t(state.notice.key, state.notice.vars) : '';
    const mine = owner === `agent:${myName()}`;
    els.claim.hidden = mine;
    els.claim.disabled = state.busy;
    els.handBack.hidden = !mine;
    els.close.hidden = !mine;
    els.handBack.disabled = state.busy;
    els.close.disabled = state.busy;
    els.replyText.disabled = !mine;
    els.send.disabled = !mine;
    els.replyHint.textContent = mine ? t('conversation.replyHint') : t('conversation.claimFirst');
    els.fieldValue.disabled = !mine;
    els.fieldName.disabled = !mine;
    els.fieldSave.disabled = !mine || state.busy;
    els.fieldError.hidden = !state.fieldError;
    els.fieldError.textContent = state.fieldError ?? '';
    renderAnswers(els, strings(), state.view.answers);
    if (!editableFields(strings()).includes(els.fieldName.value)) els.fieldName.selectedIndex = 0;
  }

  /** Adds entries not shown yet, in order; the list's aria-live announces each new one. */
  function appendEntries(entries) {
    const atBottom = els.transcript.scrollHeight - els.transcript.scrollTop - els.transcript.clientHeight < 40;
    for (const entry of entries) {
      if (entry.id <= state.lastEntryId) continue;
      els.transcript.append(transcriptEntry(strings(), entry, { me: myName(), locale: session().locale }));
      state.lastEntryId = entry.id;
    }
    if (atBottom) els.transcript.scrollTop = els.transcript.scrollHeight;
  }

  /** Draws a conversation's whole transcript, quietly: it is what is on screen, not news. */
  function replaceTranscript(entries) {
    els.transcript.setAttribute('aria-live', 'off');
    els.transcript.replaceChildren();
    state.lastEntryId = 0;
    appendEntries(entries);
    els.transcript.scrollTop = els.transcript.scrollHeight;
    // Set back once the new list is in place, so only later additions are read out.
    requestAnimationFrame(() => els.transcript.setAttribute('aria-live', 'polite'));
  }

  async function loadConversation(address, { fresh }) {
    const view = await agentApi.view(session(), address);
    if (!sameAddress(address, state.open)) return;
    state.view = view;
    state.open = { ...state.open, channel: view.address.channel };
    // Shown first, so the transcript can scroll to its end.
    renderConversationFrame();
    if (fresh) replaceTranscript(view.transcript);
    else appendEntries(view.transcript);
  }

  async function openConversation(address) {
    const changed = !sameAddress(address, state.open);
    state.open = { ...address };
    if (changed) Object.assign(state, { view: undefined, notice: undefined, fieldError: undefined });
    renderQueueNow();
    try {
      await loadConversation(state.open, { fresh: changed });
      if (narrowScreen()) els.pane.scrollIntoView({ block: 'start' });
      return true;
    } catch (error) {
      const notice = noticeOf(error);
      if (notice) {
        state.open = undefined;
        state.view = undefined;
        renderConversationFrame();
        renderQueueNow();
      }
      throw Object.assign(error, { notice });
    }
  }

  /** Runs one action on the open conversation; its failure becomes the notice. */
  async function act(action, success) {
    if (!state.open || state.busy) return;
    const address = state.open;
    state.busy = true;
    renderConversationFrame();
    try {
      await action(address);
      state.notice = success;
    } catch (error) {
      state.notice = noticeOf(error);
    } finally {
      state.busy = false;
    }
    if (!sameAddress(address, state.open)) return;
    try {
      await loadConversation(address, { fresh: false });
    } catch {
      // The notice already says what went wrong; the next event or reconnect reads it again.
    }
    renderConversationFrame();
  }

  async function refreshCallbacks() {
    try {
      state.callbacks = await agentApi.callbacks(session());
      els.callbacksError.hidden = true;
    } catch (error) {
      const notice = noticeOf(error);
      if (!notice) return;
      els.callbacksError.hidden = false;
      els.callbacksError.textContent = t(notice.key, notice.vars);
    }
    renderCallbacksNow();
  }

  async function closeCallback(id) {
    try {
      const closed = await agentApi.closeCallback(session(), id);
      state.callbacks = state.callbacks.map((callback) => (callback.id === id ? closed : callback));
      els.callbacksError.hidden = true;
      renderCallbacksNow();
      els.callbackList.querySelector(`li[data-id="${CSS.escape(id)}"] .open-callback`)?.focus();
    } catch (error) {
      const notice = noticeOf(error);
      if (!notice) return;
      els.callbacksError.hidden = false;
      els.callbacksError.textContent = t(notice.key, notice.vars);
    }
  }

  function onEvent(event) {
    if (event.type === 'queue') {
      state.queue = event.conversations;
    } else if (event.type === 'queued') {
      state.queue = [...state.queue.filter((item) => !sameAddress(item, event.conversation)), event.conversation].sort(
        (a, b) => a.waitingSince.localeCompare(b.waitingSince),
      );
    } else if (event.type === 'dequeued') {
      state.queue = state.queue.filter((item) => !sameAddress(item, event.address));
    } else if (event.type === 'owner' && state.view && sameAddress(event.address, state.open)) {
      state.view = { ...state.view, owner: event.owner };
      renderConversationFrame();
    } else if (event.type === 'message' && state.view && sameAddress(event.address, state.open)) {
      appendEntries([event.entry]);
    }
    if (event.type === 'queue' || event.type === 'queued' || event.type === 'dequeued') renderQueueNow();
  }

  function connect() {
    clearTimeout(reconnectTimer);
    stream?.close();
    const source = new EventSource(agentApi.eventsUrl(session()));
    stream = source;
    source.onopen = () => {
      reconnectDelay = 1000;
      state.live = 'connected';
      renderLive();
      // Whatever arrived while the stream was down: the queue comes first on the stream itself.
      if (state.open) loadConversation(state.open, { fresh: false }).catch(() => {});
      void refreshCallbacks();
    };
    source.onmessage = (message) => onEvent(JSON.parse(message.data));
    source.onerror = () => {
      if (stream !== source) return;
      // Reconnect on our own terms: after a refusal the browser would stop trying.
      source.close();
      state.live = 'reconnecting';
      renderLive();
      reconnectTimer = setTimeout(checkThenConnect, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
    };
  }

  /** A token revoked meanwhile signs out, rather than retrying forever. */
  async function checkThenConnect() {
    if (!started) return;
    try {
      await agentApi.queue(session());
    } catch (error) {
      if (error instanceof DeskApiError && error.status === 401) return onUnauthorized();
    }
    if (started) connect();
  }

  els.openChannel.replaceChildren();
  els.openForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const conversationId = els.openId.value.trim();
    const channel = els.openChannel.value;
    els.openError.hidden = true;
    if (!conversationId) {
      els.openError.hidden = false;
      els.openError.textContent = t('openById.idMissing');
      return els.openId.focus();
    }
    try {
      await openConversation({ conversationId, ...(channel ? { channel } : {}) });
      els.openId.value = '';
    } catch (error) {
      if (!error.notice) return;
      els.openError.hidden = false;
      els.openError.textContent = t(error.notice.key, error.notice.vars);
    }
  });
  els.claim.addEventListener('click', () =>
    act((address) => agentApi.claim(session(), address), { kind: 'success', key: 'conversation.claimed' }),
  );
  els.handBack.addEventListener('click', () =>
    act((address) => agentApi.handBack(session(), address), { kind: 'success', key: 'conversation.handedBack' }),
  );
  els.close.addEventListener('click', () =>
    act((address) => agentApi.close(session(), address), { kind: 'success', key: 'conversation.closed' }),
  );
  els.backToQueue.addEventListener('click', () =>
    els.root.querySelector('.queue-pane').scrollIntoView({ block: 'start' }),
  );
  els.replyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = els.replyText.value.trim();
    if (!text || !state.open) return els.replyText.focus();
    const address = state.open;
    els.send.disabled = true;
    try {
      const { message } = await agentApi.send(session(), address, text);
      els.replyText.value = '';
      if (state.notice?.kind === 'error') state.notice = undefined;
      if (sameAddress(address, state.open)) appendEntries([message]);
    } catch (error) {
      state.notice = noticeOf(error);
    }
    renderConversationFrame();
    els.replyText.focus();
  });
  // Enter sends, Shift+Enter starts a new line, as in chat apps.
  els.replyText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      els.replyForm.requestSubmit();
    }
  });
  els.fieldForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = els.fieldName.value;
    const value = els.fieldValue.value.trim();
    if (!value) {
      state.fieldError = t('answers.valueMissing');
      return renderConversationFrame();
    }
    state.fieldError = undefined;
    const saved = { kind: 'success', key: 'answers.saved', vars: { field: labelOf(strings().unbind, 'label', name) } };
    await act(async (address) => {
      try {
        await agentApi.fillField(session(), address, name, value);
        els.fieldValue.value = '';
      } catch (error) {
        if (!(error instanceof DeskApiError && error.status === 400)) throw error;
        // The server's reason, in the agent's language: the value stays for them to correct.
        state.fieldError = error.message;
        saved.refused = true;
      }
    }, saved);
    if (saved.refused && state.notice === saved) state.notice = undefined;
    renderConversationFrame();
  });
  els.callbacksRefresh.addEventListener('click', () => void refreshCallbacks());

  return {
    start() {
      if (started) return;
      started = true;
      state.live = 'connecting';
      this.render();
      connect();
      ticker = setInterval(() => tickWaiting(els, strings(), Date.now()), TICK_MS);
      callbacksTimer = setInterval(() => void refreshCallbacks(), CALLBACKS_EVERY_MS);
    },
    stop() {
      started = false;
      stream?.close();
      stream = undefined;
      clearTimeout(reconnectTimer);
      clearInterval(ticker);
      clearInterval(callbacksTimer);
      Object.assign(state, { queue: [], callbacks: [], open: undefined, view: undefined, notice: undefined });
      state.revealed.clear();
      els.transcript.replaceChildren();
      state.lastEntryId = 0;
    },
    /** Everything again, in the current language (the transcript too: its labels are words). */
    render() {
      const chosen = els.openChannel.value;
      els.openChannel.replaceChildren(
        ...['', ...CHANNELS].map((channel) => {
          const option = document.createElement('option');
          option.value = channel;
          option.selected = channel === chosen;
          option.textContent = channel ? labelOf(strings().desk, 'channel', channel) : t('openById.anyChannel');
          return option;
        }),
      );
      renderLive();
      renderQueueNow();
      renderCallbacksNow();
      if (state.view) {
        replaceTranscript(state.view.transcript);
        loadConversation(state.open, { fresh: false }).catch(() => {});
      }
      renderConversationFrame();
    },
  };
}
