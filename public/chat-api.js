// Talks to the web chat API: send a message, listen for later ones, fetch the page's strings.

export class SendError extends Error {
  constructor(status) {
    super(`send failed: ${status ?? 'network'}`);
    this.status = status;
  }
  /** Worth another try with the same messageId: network trouble, overload, server errors. */
  get retryable() {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one message and returns the bot's replies. A flaky mobile connection gets one quiet
 * retry; the unchanged messageId lets the server answer a duplicate only once.
 */
export async function sendMessage(body, { retries = 1, retryDelayMs = 1500 } = {}) {
  for (let attempt = 0; ; attempt++) {
    let error;
    try {
      const response = await fetch('/api/webchat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.ok) {
        const { replies } = await response.json();
        return Array.isArray(replies) ? replies.filter((r) => typeof r?.text === 'string') : [];
      }
      error = new SendError(response.status);
    } catch (cause) {
      error = cause instanceof SendError ? cause : new SendError(undefined);
    }
    if (!error.retryable || attempt >= retries) throw error;
    await sleep(retryDelayMs);
  }
}

/**
 * Shows messages that arrive later, starting with those after `afterId` that were missed while the
 * page was closed; EventSource reconnects by itself after a drop (sending Last-Event-ID).
 */
export function listenForReplies(conversationId, onReply, afterId = '0') {
  const path = `/api/webchat/conversations/${encodeURIComponent(conversationId)}/events`;
  const source = new EventSource(`${path}?after=${encodeURIComponent(afterId)}`);
  source.onmessage = (event) => {
    try {
      const reply = JSON.parse(event.data);
      if (typeof reply?.text === 'string') onReply(reply, event.lastEventId);
    } catch {
      // Not a reply: ignore it rather than break the page.
    }
  };
  return () => source.close();
}

const catalogs = new Map();

export async function loadCatalog(locale) {
  if (!catalogs.has(locale)) {
    const response = await fetch(`/locales/${locale}/webchat.json`);
    if (!response.ok) throw new Error(`catalog ${locale}: ${response.status}`);
    catalogs.set(locale, await response.json());
  }
  return catalogs.get(locale);
}
