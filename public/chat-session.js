// What survives a reload: the conversation (its id and token, issued by the server), a stable
// user id, the language the merchant chose (only if they chose one) and the transcript, which
// the server does not send back.
const KEYS = {
  conversation: 'webchat.conversation',
  userId: 'webchat.userId',
  locale: 'webchat.locale',
  transcript: 'webchat.transcript',
  lastNotice: 'webchat.lastNotice',
};
const LOCALES = ['zh-CN', 'en-US'];
const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
// Enough to scroll back through one unbind request; keeps storage small on old phones.
const MAX_MESSAGES = 200;

// Private browsing or a full quota make localStorage throw: fall back to memory for this visit.
const memory = new Map();
function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}
function write(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    memory.set(key, value);
  }
}
function remove(key) {
  memory.delete(key);
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing was stored there either.
  }
}

/** A random UUID; randomUUID needs https or localhost, getRandomValues works on plain http too. */
export function newId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** The conversation kept in this browser, or null when there is none (or it is damaged). */
function storedConversation() {
  try {
    const saved = JSON.parse(read(KEYS.conversation) ?? 'null');
    if (ID_PATTERN.test(saved?.conversationId) && TOKEN_PATTERN.test(saved?.token)) {
      return { conversationId: saved.conversationId, token: saved.token };
    }
  } catch {
    // Damaged: a new conversation is started.
  }
  return null;
}

function storedId(key) {
  const existing = read(key);
  if (existing && ID_PATTERN.test(existing)) return existing;
  const id = newId();
  write(key, id);
  return id;
}

function readTranscript(conversationId) {
  try {
    const saved = JSON.parse(read(KEYS.transcript) ?? 'null');
    if (saved?.conversationId === conversationId && Array.isArray(saved.messages)) {
      return saved.messages.filter((m) => typeof m?.text === 'string' && (m.from === 'bot' || m.from === 'merchant'));
    }
  } catch {
    // A damaged transcript is dropped; the conversation itself lives on the server.
  }
  return [];
}

/** What this browser kept; `conversation` is null until the server has issued one. */
export function loadSession() {
  const conversation = storedConversation();
  const chosen = read(KEYS.locale);
  return {
    conversation,
    // Kept across "new conversation", so the bot can still find the merchant's earlier tickets.
    userId: storedId(KEYS.userId),
    chosenLocale: LOCALES.includes(chosen) ? chosen : null,
    messages: conversation ? readTranscript(conversation.conversationId) : [],
  };
}

/** Keeps a conversation the server issued, with a fresh transcript. */
export function saveConversation(conversation) {
  write(KEYS.conversation, JSON.stringify(conversation));
  saveTranscript(conversation.conversationId, []);
  write(KEYS.lastNotice, JSON.stringify({ conversationId: conversation.conversationId, id: '0' }));
}

export function saveTranscript(conversationId, messages) {
  write(KEYS.transcript, JSON.stringify({ conversationId, messages: messages.slice(-MAX_MESSAGES) }));
}

export function saveChosenLocale(locale) {
  write(KEYS.locale, locale);
}

/** Forgets the conversation and its transcript (it may hold personal data). */
export function forgetConversation() {
  remove(KEYS.conversation);
  remove(KEYS.transcript);
  remove(KEYS.lastNotice);
}

/** The id of the last later-arriving message shown in this conversation ('0': none yet). */
export function lastNoticeId(conversationId) {
  try {
    const saved = JSON.parse(read(KEYS.lastNotice) ?? 'null');
    return saved?.conversationId === conversationId && /^\d+$/.test(saved.id) ? saved.id : '0';
  } catch {
    return '0';
  }
}

export function saveLastNoticeId(conversationId, id) {
  write(KEYS.lastNotice, JSON.stringify({ conversationId, id }));
}

/** The browser's preferred supported language, Chinese unless it prefers English. */
export function browserLocale() {
  const first = (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase();
  return first.startsWith('en') ? 'en-US' : 'zh-CN';
}
