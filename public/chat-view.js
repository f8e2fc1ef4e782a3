// Draws the page from the state. Message text is only ever set as textContent, so whatever
// the bot or the merchant wrote is shown as text and never run as markup.

const byId = (id) => document.getElementById(id);

/** Looks up `a.b` in the catalog; a missing key shows as the key, which tests catch. */
function lookup(strings, key) {
  return key.split('.').reduce((node, part) => node?.[part], strings) ?? key;
}

export function createView() {
  const els = {
    app: document.querySelector('.app'),
    messages: byId('messages'),
    composer: byId('composer'),
    input: byId('input'),
    send: byId('send'),
    error: byId('error'),
    errorText: byId('error-text'),
    retry: byId('retry'),
    newConversation: byId('new-conversation'),
    attach: byId('attach'),
    file: byId('file'),
    languageButtons: [...document.querySelectorAll('[data-locale]')],
  };

  function applyStrings(strings, locale) {
    document.documentElement.lang = locale;
    document.title = strings.pageTitle;
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = lookup(strings, el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
      el.placeholder = lookup(strings, el.dataset.i18nPlaceholder);
    }
    for (const el of document.querySelectorAll('[data-i18n-label]')) {
      const label = lookup(strings, el.dataset.i18nLabel);
      el.setAttribute('aria-label', label);
      if (el.tagName === 'BUTTON') el.title = label;
    }
    for (const button of els.languageButtons) {
      button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
    }
    els.app.removeAttribute('aria-busy');
  }

  /** A photo's thumbnail (or a PDF's label) in the merchant's bubble, with the upload's progress. */
  function documentElement(doc, strings, thumbnailOf) {
    const figure = document.createElement('div');
    figure.className = 'document';
    if (doc.documentId && doc.contentType?.startsWith('image/')) {
      const image = document.createElement('img');
      image.className = 'document__thumbnail';
      image.alt = strings.photoAlt;
      image.src = thumbnailOf(doc.documentId);
      figure.append(image);
    } else {
      const label = document.createElement('span');
      label.className = 'document__label';
      label.textContent = doc.documentId ? strings.pdfLabel : doc.name;
      figure.append(label);
    }
    if (doc.progress !== undefined) {
      const bar = document.createElement('progress');
      bar.className = 'document__progress';
      bar.max = 1;
      bar.value = doc.progress;
      bar.setAttribute('aria-label', strings.uploading);
      figure.append(bar);
    }
    return figure;
  }

  function messageElement(message, strings, thumbnailOf) {
    const row = document.createElement('div');
    row.className = `message message--${message.from}${message.failed ? ' message--failed' : ''}`;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    const speaker = document.createElement('span');
    speaker.className = 'sr-only';
    speaker.textContent = `${message.from === 'bot' ? strings.botLabel : strings.merchantLabel}: `;
    bubble.append(speaker);
    for (const doc of message.documents ?? []) bubble.append(documentElement(doc, strings, thumbnailOf));
    if (message.text) bubble.append(document.createTextNode(message.text));
    row.append(bubble);
    if (message.failed) {
      const mark = document.createElement('span');
      mark.className = 'failed-mark';
      mark.textContent = strings.failedMark;
      row.append(mark);
    }
    return row;
  }

  function suggestionsElement(actions, strings, busy, onAction) {
    const group = document.createElement('div');
    group.className = 'suggestions';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', strings.suggestionsLabel);
    for (const action of actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'suggestion';
      button.textContent = action;
      button.disabled = busy;
      button.addEventListener('click', () => onAction(action));
      group.append(button);
    }
    return group;
  }

  function typingElement(strings) {
    const row = document.createElement('div');
    row.className = 'message message--bot';
    const bubble = document.createElement('div');
    bubble.className = 'bubble typing';
    bubble.setAttribute('role', 'status');
    bubble.setAttribute('aria-label', strings.typing);
    bubble.append(document.createElement('span'), document.createElement('span'), document.createElement('span'));
    row.append(bubble);
    return row;
  }

  /** Redraws the conversation: greeting, messages, the last bot message's choices, typing dots. */
  function renderMessages({ strings, messages, busy, typing }, onAction, thumbnailOf) {
    const greeting = { from: 'bot', text: strings.greeting };
    // The start buttons belong to the greeting only while nothing has been said yet.
    if (messages.length === 0) greeting.suggestedActions = strings.startActions;
    const all = [greeting, ...messages];
    const rows = all.map((message) => messageElement(message, strings, thumbnailOf));
    const last = all[all.length - 1];
    if (!typing && last.from === 'bot' && last.suggestedActions?.length) {
      rows[rows.length - 1].append(suggestionsElement(last.suggestedActions, strings, busy, onAction));
    }
    if (typing) rows.push(typingElement(strings));
    els.messages.replaceChildren(...rows);
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function renderComposer({ busy }) {
    els.send.disabled = busy || els.input.value.trim() === '';
    els.attach.disabled = busy;
    els.input.setAttribute('aria-busy', String(busy));
  }

  function renderError({ strings, error }) {
    els.error.hidden = !error;
    if (!error) return;
    els.errorText.textContent = strings[error.key];
    els.retry.hidden = !error.canRetry;
  }

  /** Grows the input with its text, up to the CSS max-height. */
  function fitInput() {
    els.input.style.height = 'auto';
    els.input.style.height = `${els.input.scrollHeight + 2}px`;
  }

  return { els, applyStrings, renderMessages, renderComposer, renderError, fitInput };
}
