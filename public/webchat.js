// The web chat page: a merchant talks to the unbind assistant from a phone or a desktop.
// Plain ES modules, no build step; strings come from /locales/<lng>/webchat.json.
import {
  createConversation,
  listenForReplies,
  loadCatalog,
  SendError,
  sendMessage,
  thumbnailUrl,
  uploadDocument,
} from './chat-api.js';
import {
  browserLocale,
  forgetConversation,
  lastNoticeId,
  loadSession,
  newId,
  saveChosenLocale,
  saveConversation,
  saveLastNoticeId,
  saveTranscript,
} from './chat-session.js';
import { createView } from './chat-view.js';

const view = createView();
const { els } = view;
const session = loadSession();
const state = {
  ...session,
  locale: session.chosenLocale ?? browserLocale(),
  strings: null,
  busy: false,
  typing: false,
  /** `{key, canRetry}` of the error line, kept as a key so a language switch re-translates it. */
  error: null,
  /** The send that failed: retrying reuses its messageId, so the bot answers it only once. */
  failedSend: null,
  /**
   * A language the merchant picked with the toggle, told to the bot once with the next message.
   * Sent once, not every time, so that typing "中文" or "English" to the bot still works.
   */
  localeToAnnounce: session.chosenLocale ?? null,
};

function render() {
  if (!state.strings) return;
  view.renderMessages(state, sendText, (documentId) =>
    state.conversation ? thumbnailUrl(state.conversation, documentId) : '',
  );
  view.renderComposer(state);
  view.renderError(state);
}

function saveMessages() {
  if (state.conversation) saveTranscript(state.conversation.conversationId, state.messages);
}

function addMessage(message) {
  state.messages.push(message);
  saveMessages();
}

/** After the server refused the event stream (too many open), how long before asking again. */
const LISTEN_RETRY_MS = 30_000;

let stopListening = () => {};
function listen(conversation) {
  return listenForReplies(conversation, onLaterReply, lastNoticeId(conversation.conversationId), () => {
    const timer = setTimeout(() => {
      if (state.conversation === conversation) stopListening = listen(conversation);
    }, LISTEN_RETRY_MS);
    stopListening = () => clearTimeout(timer);
  });
}

let starting = null;
/** The conversation, started through the API (which issues its id and token) when there is none. */
function ensureConversation() {
  if (state.conversation) return Promise.resolve(state.conversation);
  starting ??= createConversation(state.locale)
    .then((conversation) => {
      saveConversation(conversation);
      state.conversation = conversation;
      saveMessages();
      stopListening = listen(conversation);
      return conversation;
    })
    .finally(() => {
      starting = null;
    });
  return starting;
}

function dropConversation() {
  stopListening();
  stopListening = () => {};
  forgetConversation();
  state.conversation = null;
}

async function sendInConversation(body) {
  try {
    return await sendMessage(await ensureConversation(), body);
  } catch (error) {
    if (!(error instanceof SendError && error.status === 401)) throw error;
    // The server does not know this browser's conversation (its storage was reset): start another.
    dropConversation();
    return sendMessage(await ensureConversation(), body);
  }
}

async function deliver(pending) {
  state.busy = true;
  state.typing = true;
  state.error = null;
  render();
  try {
    const replies = await sendInConversation({
      userId: state.userId,
      text: pending.text,
      ...(pending.attachments ? { attachments: pending.attachments } : {}),
      messageId: pending.messageId,
      // Only an explicit choice overrides the bot's own reading of the merchant's language.
      ...(pending.locale ? { locale: pending.locale } : {}),
    });
    if (state.localeToAnnounce === pending.locale) state.localeToAnnounce = null;
    pending.message.failed = undefined;
    state.failedSend = null;
    for (const reply of replies) {
      addMessage({ from: 'bot', text: reply.text, suggestedActions: reply.suggestedActions });
    }
  } catch (error) {
    pending.message.failed = true;
    const status = error instanceof SendError ? error.status : undefined;
    const tooLong = status === 413;
    state.failedSend = tooLong ? null : pending;
    const key = tooLong
      ? 'tooLong'
      : status === 429
        ? 'tooFast'
        : status === 400 && pending.attachments
          ? 'uploadLost'
          : 'sendFailed';
    state.error = { key, canRetry: !tooLong };
  } finally {
    saveMessages();
    state.busy = false;
    state.typing = false;
    render();
  }
}

function sendText(text) {
  const trimmed = text.trim();
  if (!trimmed || state.busy) return;
  const message = { from: 'merchant', text: trimmed };
  addMessage(message);
  void deliver({ text: trimmed, messageId: newId(), message, locale: state.localeToAnnounce });
}

/** Why an upload was refused, as the page says it (in its own language). */
const UPLOAD_ERRORS = { 413: 'uploadTooLarge', 415: 'uploadUnsupported', 422: 'uploadUnreadable', 429: 'tooFast' };

/**
 * A photo or PDF from the attach button: uploaded with its progress shown in the merchant's bubble,
 * then sent as a message with whatever is typed in the box ("身份证反面" says which document it is).
 */
async function sendFile(file) {
  if (state.busy) return;
  const text = els.input.value.trim();
  const doc = { name: file.name, progress: 0 };
  const message = { from: 'merchant', text, documents: [doc] };
  state.messages.push(message);
  state.busy = true;
  state.error = null;
  render();
  let stored;
  try {
    let conversation = await ensureConversation();
    const upload = () =>
      uploadDocument(conversation, file, (fraction) => {
        doc.progress = fraction;
        render();
      });
    stored = await upload().catch(async (error) => {
      if (!(error instanceof SendError && error.status === 401)) throw error;
      dropConversation();
      conversation = await ensureConversation();
      return upload();
    });
  } catch (error) {
    state.messages.splice(state.messages.indexOf(message), 1);
    const status = error instanceof SendError ? error.status : undefined;
    state.error = { key: UPLOAD_ERRORS[status] ?? 'uploadFailed', canRetry: false };
    state.busy = false;
    render();
    return;
  }
  message.documents = [{ documentId: stored.documentId, contentType: stored.contentType }];
  if (text) {
    els.input.value = '';
    view.fitInput();
  }
  saveMessages();
  state.busy = false;
  void deliver({
    text,
    attachments: [{ documentId: stored.documentId }],
    messageId: newId(),
    message,
    locale: state.localeToAnnounce,
  });
}

function onLaterReply(reply, id) {
  const { conversationId } = state.conversation ?? {};
  if (!conversationId) return;
  // A replay after a reconnect can repeat what is already on screen.
  if (id && Number(id) <= Number(lastNoticeId(conversationId))) return;
  if (id) saveLastNoticeId(conversationId, id);
  addMessage({ from: 'bot', text: reply.text, suggestedActions: reply.suggestedActions });
  render();
}

async function switchLanguage(locale) {
  state.strings = await loadCatalog(locale);
  state.locale = locale;
  view.applyStrings(state.strings, locale);
  render();
}

function startOver() {
  if (state.busy) return;
  if (state.messages.length > 0 && !window.confirm(state.strings.newConversationConfirm)) return;
  dropConversation();
  state.messages = [];
  state.error = null;
  state.failedSend = null;
  state.localeToAnnounce = state.chosenLocale ?? null;
  // Started at once, so the first message does not wait for it; a failure is retried on sending.
  ensureConversation().catch(() => {});
  render();
}

els.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  if (state.busy) return;
  const text = els.input.value;
  els.input.value = '';
  view.fitInput();
  sendText(text);
});
els.input.addEventListener('keydown', (event) => {
  // While an input method is composing (pinyin), Enter picks characters: it must not send.
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  els.composer.requestSubmit();
});
els.input.addEventListener('input', () => {
  view.fitInput();
  view.renderComposer(state);
});
els.retry.addEventListener('click', () => {
  if (state.failedSend && !state.busy) void deliver(state.failedSend);
});
els.newConversation.addEventListener('click', startOver);
els.attach.addEventListener('click', () => {
  if (!state.busy) els.file.click();
});
els.file.addEventListener('change', () => {
  const [file] = els.file.files ?? [];
  // Cleared at once, so choosing the same photo again is a change too.
  els.file.value = '';
  if (file) void sendFile(file);
});
for (const button of els.languageButtons) {
  button.addEventListener('click', () => {
    const locale = button.dataset.locale;
    state.chosenLocale = locale;
    state.localeToAnnounce = locale;
    saveChosenLocale(locale);
    void switchLanguage(locale);
  });
}

if (state.conversation) stopListening = listen(state.conversation);
else ensureConversation().catch(() => {});

// The strings are the page: on a flaky connection, keep trying until they arrive.
for (let attempt = 1; !state.strings; attempt++) {
  try {
    await switchLanguage(state.locale);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, Math.min(attempt, 5) * 1000));
  }
}
// On phones, focusing would pop up the keyboard over the greeting; only do it with a mouse.
if (window.matchMedia('(pointer: fine)').matches) els.input.focus({ preventScroll: true });
