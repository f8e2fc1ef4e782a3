// Small helpers for the reviewer's page. Whatever a merchant or a reviewer wrote is only ever
// set as textContent or an attribute value, never parsed as markup.

/**
 * Creates an element: `attrs` are properties (`className`, `hidden`, …) or, for names with a
 * dash or `for`, attributes; children are nodes or strings (added as text); null is skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.includes('-') || name === 'for' || name === 'role') node.setAttribute(name, String(value));
    else node[name] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Looks up `a.b.c` in a catalog and fills `{{name}}`; a missing key shows as the key, which tests catch. */
export function translate(catalog, key, vars = {}) {
  const found = key.split('.').reduce((node, part) => node?.[part], catalog);
  if (typeof found !== 'string') return key;
  return found.replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ''));
}

/** The desk works on China time, as the ticket numbers do, wherever the reviewer's computer is. */
export function formatTime(iso, locale) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** Only https addresses become links; anything else is shown as text. */
export function safeHttpsUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
