// Talks to the desk API with the reviewer's bearer token, and fetches the page's strings.

export class DeskApiError extends Error {
  /** `status` is undefined when the desk could not be reached at all. */
  constructor(status, code, message) {
    super(message || `desk API: ${status ?? 'network'}`);
    this.status = status;
    this.code = code;
  }
}

/**
 * Calls the desk API. `session` is `{token, locale}`: the server knows who the reviewer is from
 * the token alone; the locale picks the language of the error messages.
 */
export async function callDesk(path, session, { method = 'GET', body } = {}) {
  const headers = { authorization: `Bearer ${session.token}`, 'accept-language': session.locale };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/desk${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new DeskApiError(undefined, 'network');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new DeskApiError(response.status, data?.error?.code, data?.error?.message);
  return data;
}

/** Who the token belongs to: `{name, roles}`, or `{name: 'desk-api', machine: true}`. */
export const whoAmI = (session) => callDesk('/me', session);

export const listTickets = (session) => callDesk('/tickets', session).then((data) => data.tickets ?? []);

export const getTicket = (session, id) => callDesk(`/tickets/${encodeURIComponent(id)}`, session);

export const listAudit = (session, id) =>
  callDesk(`/audit?ticketId=${encodeURIComponent(id)}`, session).then((data) => data.entries ?? []);

export const decide = (session, id, decision) =>
  callDesk(`/tickets/${encodeURIComponent(id)}/decision`, session, { method: 'POST', body: decision });

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
