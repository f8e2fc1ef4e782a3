// Talks to the desk API and the agent API with the person's own bearer token, and fetches the
// page's strings.

export class DeskApiError extends Error {
  /**
   * `status` is undefined when the server could not be reached at all; `owner` is who has a
   * conversation, on the agent API's 409s.
   */
  constructor(status, code, message, owner) {
    super(message || `desk API: ${status ?? 'network'}`);
    this.status = status;
    this.code = code;
    this.owner = owner;
  }
}

/**
 * Calls the desk API. `session` is `{token, locale}`: the server knows who the reviewer is from
 * the token alone; the locale picks the language of the error messages.
 */
export const callDesk = (path, session, options) => callApi(`/api/desk${path}`, session, options);

/** Calls the agent API (same token, the `agent` role). */
export const callAgent = (path, session, options) => callApi(`/api/agent${path}`, session, options);

async function callApi(url, session, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${session.token}`, 'accept-language': session.locale };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new DeskApiError(undefined, 'network');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new DeskApiError(response.status, data?.error?.code, data?.error?.message, data?.owner);
  return data;
}

/**
 * An uploaded document (`size` 'thumbnail' or 'full') as a Blob: an <img> cannot send the bearer
 * token, so the page fetches it and shows it through an object URL.
 */
export async function fetchDocument(session, documentId, size = 'full') {
  const url = `/api/desk/documents/${encodeURIComponent(documentId)}${size === 'thumbnail' ? '?size=thumbnail' : ''}`;
  let response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${session.token}`, 'accept-language': session.locale },
      cache: 'no-store',
    });
  } catch {
    throw new DeskApiError(undefined, 'network');
  }
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new DeskApiError(response.status, data?.error?.code, data?.error?.message);
  }
  return response.blob();
}

/** Who the token belongs to: `{name, roles}`, or `{name: 'desk-api', machine: true}`. */
export const whoAmI = (session) => callDesk('/me', session);

export const listTickets = (session) => callDesk('/tickets', session).then((data) => data.tickets ?? []);

export const getTicket = (session, id) => callDesk(`/tickets/${encodeURIComponent(id)}`, session);

export const listAudit = (session, id) =>
  callDesk(`/audit?ticketId=${encodeURIComponent(id)}`, session).then((data) => data.entries ?? []);

export const decide = (session, id, decision) =>
  callDesk(`/tickets/${encodeURIComponent(id)}/decision`, session, { method: 'POST', body: decision });

/** `{name, roles}` of an agent token; 401 for anyone else. */
export const whoAmIAsAgent = (session) => callAgent('/me', session);

/** The conversation path of the agent API, with `?channel=` when the channel is known. */
const conversationPath = ({ conversationId, channel }, action = '') =>
  `/conversations/${encodeURIComponent(conversationId)}${action}${channel ? `?channel=${encodeURIComponent(channel)}` : ''}`;

export const agentApi = {
  queue: (session) => callAgent('/queue', session).then((data) => data.conversations ?? []),
  view: (session, address) => callAgent(conversationPath(address), session),
  claim: (session, address) => callAgent(conversationPath(address, '/claim'), session, { method: 'POST' }),
  send: (session, address, text) =>
    callAgent(conversationPath(address, '/messages'), session, { method: 'POST', body: { text } }),
  fillField: (session, address, name, value) =>
    callAgent(conversationPath(address, '/fields'), session, { method: 'POST', body: { name, value } }),
  handBack: (session, address) => callAgent(conversationPath(address, '/handback'), session, { method: 'POST' }),
  close: (session, address) => callAgent(conversationPath(address, '/close'), session, { method: 'POST' }),
  callbacks: (session) => callAgent('/callbacks', session).then((data) => data.callbacks ?? []),
  closeCallback: (session, id) =>
    callAgent(`/callbacks/${encodeURIComponent(id)}/close`, session, { method: 'POST' }).then((data) => data.callback),
  /** The live stream: EventSource cannot send headers, so the token goes in the query. */
  eventsUrl: (session) => `/api/agent/events?token=${encodeURIComponent(session.token)}`,
};

const catalogs = new Map();

async function fetchCatalog(locale, namespace) {
  const response = await fetch(`/locales/${locale}/${namespace}.json`);
  if (!response.ok) throw new Error(`catalog ${locale}/${namespace}: ${response.status}`);
  return response.json();
}

/** The page's own strings and the form's field labels (label.*, reason.*, condition.*). */
export async function loadStrings(locale) {
  if (!catalogs.has(locale)) {
    const [desk, unbind] = await Promise.all([fetchCatalog(locale, 'desk'), fetchCatalog(locale, 'unbind')]);
    catalogs.set(locale, { desk, unbind });
  }
  return catalogs.get(locale);
}
