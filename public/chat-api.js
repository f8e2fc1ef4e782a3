// Talks to the web chat API: start a conversation, send a message, listen for later ones,
// fetch the page's strings. Every call but the first carries the conversation's token.

export class SendError extends Error {
  constructor(status) {
    super(`send failed: ${status ?? 'network'}`);
    this.status = status;
  }
  /**
   * Worth a quiet second try with the same messageId: network trouble, server errors. Not 429:
   * a limit per minute is not over in a second and a half; the merchant is told to wait.
   */
  get retryable() {
    return this.status === undefined || this.status === 408 || this.status >= 500;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a conversation: `{conversationId, token}`, to keep and send back with every call. */
export async function createConversation(locale) {
  let response;
  try {
    response = await fetch('/api/webchat/conversations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locale }),
    });
  } catch {
    throw new SendError(undefined);
  }
  if (response.status !== 201) throw new SendError(response.status);
  const { conversationId, token } = await response.json();
  if (typeof conversationId !== 'string' || typeof token !== 'string') throw new SendError(response.status);
  return { conversationId, token };
}

/**
 * Sends one message in `conversation` and returns the bot's replies. A flaky mobile connection
 * gets one quiet retry; the unchanged messageId lets the server answer a duplicate only once.
 */
export async function sendMessage(conversation, body, { retries = 1, retryDelayMs = 1500 } = {}) {
  for (let attempt = 0; ; attempt++) {
    let error;
    try {
      const response = await fetch('/api/webchat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
        body: JSON.stringify({ ...body, conversationId: conversation.conversationId }),
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
 * page was closed; EventSource reconnects by itself after a drop (sending Last-Event-ID). The
 * token goes in the query string: EventSource cannot set headers. `onRefused` runs when the
 * server refuses the stream.
 */
export function listenForReplies(conversation, onReply, afterId = '0', onRefused = () => {}) {
  const path = `/api/webchat/conversations/${encodeURIComponent(conversation.conversationId)}/events`;
  const query = new URLSearchParams({ after: afterId, token: conversation.token });
  const source = new EventSource(`${path}?${query}`);
  source.onmessage = (event) => {
    try {
      const reply = JSON.parse(event.data);
      if (typeof reply?.text === 'string') onReply(reply, event.lastEventId);
    } catch {
      // Not a reply: ignore it rather than break the page.
    }
  };
  // A refusal (too many open streams, an unknown conversation) is final for EventSource, which
  // only retries dropped connections: the caller decides when to try again.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) onRefused();
  };
  return () => source.close();
}

/**
 * Uploads one photo or PDF to `conversation` (XMLHttpRequest: fetch reports no upload progress).
 * `onProgress(fraction)` follows the bytes sent; resolves `{documentId, contentType, size}`.
 */
export function uploadDocument(conversation, file, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const path = `/api/webchat/conversations/${encodeURIComponent(conversation.conversationId)}/uploads`;
    request.open('POST', path);
    request.setRequestHeader('authorization', `Bearer ${conversation.token}`);
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response;
      if (request.status === 201 && typeof body?.documentId === 'string') resolve(body);
      else reject(new SendError(request.status));
    };
    request.onerror = () => reject(new SendError(undefined));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** Where the merchant's own thumbnail is: the token in the query string, as an <img> cannot send headers. */
export function thumbnailUrl(conversation, documentId) {
  const id = encodeURIComponent(conversation.conversationId);
  const query = new URLSearchParams({ token: conversation.token });
  return `/api/webchat/conversations/${id}/documents/${encodeURIComponent(documentId)}/thumbnail?${query}`;
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
