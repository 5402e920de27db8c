/*
 * Ventanilla web chat widget. Plain ES2020, no build step.
 *
 * Embed on any site with one tag (a floating button opens the chat):
 *   <script src="https://hub.example/static/widget.js" data-hub="https://hub.example" defer></script>
 * Or mount it inline in an element of the page:
 *   <div id="chat"></div>
 *   <script src="/static/widget.js" data-mount="chat" defer></script>
 *
 * Talks to the hub's /webchat API: POST sessions and messages, GET history, and a Server-Sent
 * Events stream for replies. The session id lives in localStorage, so a reload keeps the history.
 * Every node is built with createElement/textContent: message text is never parsed as HTML.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script) return;

  // Spanish until the hub's catalogue (GET /webchat/api/texts) says otherwise: never an empty label.
  var T = {
    title: 'Ventanilla',
    subtitle: 'Atención ciudadana',
    open: 'Abrir el chat de atención ciudadana',
    close: 'Cerrar el chat',
    log: 'Conversación',
    inputLabel: 'Escribe tu mensaje',
    placeholder: 'Escribe tu consulta…',
    send: 'Enviar',
    sending: 'Enviando…',
    failed: 'No se ha podido enviar.',
    retry: 'Reintentar',
    connecting: 'Conectando…',
    online: 'Conectado',
    offline: 'Sin conexión. Reintentando…',
    typing: 'Ventanilla está escribiendo…',
    agentTypingSuffix: 'está escribiendo…',
    agentUnnamed: 'La persona que te atiende',
    choices: 'Opciones',
    attachment: 'Archivo adjunto',
    image: 'Imagen adjunta',
    welcome: 'Hola, soy el asistente virtual de Ventanilla. Escribe tu consulta y te responderé; si lo necesitas, te paso con una persona.',
    tooLong: 'El mensaje es demasiado largo (máximo 10.000 caracteres).',
    authorCitizen: 'Tú',
    authorBot: 'Ventanilla',
    authorAgent: 'Agente',
    authorSystem: 'Aviso',
    rateGroup: '¿Te ha servido esta respuesta?',
    rateUp: 'Sí, me ha servido',
    rateDown: 'No me ha servido',
    rateThanks: 'Gracias por tu valoración.',
    rateFailed: 'No se ha podido guardar tu valoración.',
  };
  var AUTHORS = { citizen: 'authorCitizen', bot: 'authorBot', agent: 'authorAgent', system: 'authorSystem' };
  var LANGUAGES = ['es', 'ca', 'gl', 'eu', 'en'];
  var MAX_TEXT = 10000;

  var hub = (script.dataset.hub || new URL(script.src, document.baseURI).origin).replace(/\/+$/, '');
  var api = hub + '/webchat/api';
  var storageKey = 'ventanilla.webchat.session:' + hub;
  var uid = Math.random().toString(36).slice(2, 8);

  ensureStylesheet(new URL('webchat.css', script.src).href);

  // ---------- DOM ----------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function ensureStylesheet(href) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }

  var mountId = script.dataset.mount;
  var mountTarget = mountId ? document.getElementById(mountId) : null;
  var floating = !mountTarget;

  var root = el('div', 'vt-root' + (floating ? ' vt-root--floating' : ' vt-root--inline'));
  root.lang = 'es';
  // The widget's language: the browser's first one the hub speaks, until the conversation has one.
  var uiLang = browserLanguage();
  var catalogue = null; // { es: {...}, eu: {...} } once loaded

  var panel = el('section', 'vt-panel');
  panel.id = 'vt-panel-' + uid;
  var titleId = 'vt-title-' + uid;
  panel.setAttribute('aria-labelledby', titleId);

  var header = el('div', 'vt-header');
  var heading = el(floating ? 'h2' : 'h2', 'vt-title', T.title);
  heading.id = titleId;
  var subtitle = el('p', 'vt-subtitle', T.subtitle);
  var headingBox = el('div', 'vt-heading');
  headingBox.append(heading, subtitle);
  header.appendChild(headingBox);

  var launcher = null;
  var launcherText = null;
  var closeButton = null;
  if (floating) {
    panel.setAttribute('role', 'dialog');
    panel.hidden = true;
    closeButton = el('button', 'vt-close');
    closeButton.type = 'button';
    closeButton.setAttribute('aria-label', T.close);
    closeButton.appendChild(el('span', null, '×')).setAttribute('aria-hidden', 'true');
    header.appendChild(closeButton);
  }

  var log = el('div', 'vt-log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  log.setAttribute('aria-label', T.log);
  // Focusable so keyboard users can scroll a long conversation.
  log.tabIndex = 0;

  var typing = el('p', 'vt-typing', T.typing);
  typing.hidden = true;
  var status = el('p', 'vt-status');
  status.setAttribute('role', 'status');

  var form = el('form', 'vt-form');
  form.noValidate = true;
  var inputId = 'vt-input-' + uid;
  var label = el('label', 'vt-sr-only', T.inputLabel);
  label.htmlFor = inputId;
  var input = el('textarea', 'vt-input');
  input.id = inputId;
  input.rows = 2;
  input.maxLength = MAX_TEXT;
  input.placeholder = T.placeholder;
  input.autocomplete = 'off';
  var sendButton = el('button', 'vt-send', T.send);
  sendButton.type = 'submit';
  form.append(label, input, sendButton);

  panel.append(header, log, typing, status, form);
  root.appendChild(panel);

  if (floating) {
    launcher = el('button', 'vt-launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', panel.id);
    launcher.appendChild(el('span', 'vt-launcher-icon', '💬')).setAttribute('aria-hidden', 'true');
    launcherText = launcher.appendChild(el('span', 'vt-launcher-text', 'Chat'));
    launcher.setAttribute('aria-label', T.open);
    root.appendChild(launcher);
    document.body.appendChild(root);
  } else {
    mountTarget.appendChild(root);
  }

  function setOpen(open) {
    if (!floating) return;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? T.close : T.open);
    if (open) {
      start();
      input.focus();
      scrollToEnd();
    } else {
      launcher.focus();
    }
  }

  if (floating) {
    launcher.addEventListener('click', function () { setOpen(panel.hidden); });
    closeButton.addEventListener('click', function () { setOpen(false); });
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') setOpen(false);
    });
  }

  // ---------- language ----------

  function browserLanguage() {
    var list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; i < list.length; i++) {
      var code = String(list[i] || '').slice(0, 2).toLowerCase();
      if (LANGUAGES.indexOf(code) !== -1) return code;
    }
    return 'es';
  }

  // Puts every label of the widget in `lang` (from the catalogue; Spanish for anything missing).
  function applyLanguage(lang) {
    if (LANGUAGES.indexOf(lang) === -1) return;
    uiLang = lang;
    if (!catalogue || !catalogue[lang]) return;
    var texts = catalogue[lang];
    Object.keys(texts).forEach(function (key) {
      if (typeof texts[key] === 'string' && texts[key] !== '') T[key] = texts[key];
    });
    root.lang = lang;
    heading.textContent = T.title;
    subtitle.textContent = T.subtitle;
    log.setAttribute('aria-label', T.log);
    typing.textContent = T.typing;
    label.textContent = T.inputLabel;
    input.placeholder = T.placeholder;
    sendButton.textContent = T.send;
    if (closeButton) closeButton.setAttribute('aria-label', T.close);
    if (launcher) launcher.setAttribute('aria-label', panel.hidden ? T.open : T.close);
    if (launcherText) launcherText.textContent = 'Chat';
    var welcome = log.querySelector('.vt-msg--welcome');
    if (welcome) welcome.replaceWith(welcomeNode());
    if (lastStatusKey) status.textContent = T[lastStatusKey];
    log.querySelectorAll('.vt-msg').forEach(function (node) {
      var who = node.querySelector('.vt-who');
      if (who && node.dataset.author) who.textContent = T[AUTHORS[node.dataset.author]] + ': ';
    });
  }

  function loadTexts() {
    fetch(api + '/texts')
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || !body.languages) return;
        catalogue = body.languages;
        applyLanguage(uiLang);
      })
      .catch(function () { /* offline: keep the texts we have */ });
  }

  // The conversation's language (what the bot or an agent last answered in) wins over the browser's.
  function followConversation(item) {
    if (item.author !== 'citizen' && item.lang && item.lang !== uiLang) applyLanguage(item.lang);
  }

  // ---------- rendering ----------

  var rendered = new Map(); // id → element, for every server item shown
  var inflight = new Map(); // clientMessageId → { element, text, payload, accepted }
  var liveDuringLoad = null; // items streamed while a history load runs

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // Bot answers often carry a link (a form, an office page): make http(s) URLs clickable.
  function appendLinkified(parent, text) {
    var pattern = /https?:\/\/[^\s<>"')]+[^\s<>"').,;:!?]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el('a', 'vt-link', match[0]);
      link.href = match[0];
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function buildItem(item) {
    var author = AUTHORS[item.author] ? item.author : 'bot';
    var node = el('div', 'vt-msg vt-msg--' + author);
    node.dataset.id = item.id;
    node.dataset.author = author;
    // WCAG 3.1.2: a Basque answer inside a Spanish page is marked as Basque.
    if (item.lang && LANGUAGES.indexOf(item.lang) !== -1) node.lang = item.lang;
    var who = el('span', 'vt-sr-only vt-who', T[AUTHORS[author]] + ': ');
    node.appendChild(who);
    if (item.text) {
      var body = el('p', 'vt-text');
      appendLinkified(body, item.text);
      node.appendChild(body);
    }
    if (item.attachment && /^https?:\/\//.test(item.attachment.url)) {
      var att = item.attachment;
      if (/^image\//.test(att.mimeType)) {
        var img = el('img', 'vt-image');
        img.src = att.url;
        img.alt = att.caption || T.image;
        node.appendChild(img);
      } else {
        var fileLink = el('a', 'vt-link', T.attachment);
        fileLink.href = att.url;
        fileLink.target = '_blank';
        fileLink.rel = 'noopener noreferrer';
        node.appendChild(fileLink);
      }
    }
    if (item.choices && item.choices.length > 0) {
      var group = el('div', 'vt-choices');
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', T.choices);
      item.choices.forEach(function (choice, index) {
        var button = el('button', 'vt-choice', choice.title);
        button.type = 'button';
        button.setAttribute('aria-label', (index + 1) + '. ' + choice.title);
        button.addEventListener('click', function () {
          send(choice.title, choice.payload);
          input.focus();
        });
        group.appendChild(button);
      });
      node.appendChild(group);
    }
    if (item.author === 'bot' && item.feedbackRef) node.appendChild(rateButtons(item.feedbackRef));
    return node;
  }

  // ---------- 👍/👎 on bot answers (POST /api/feedback; the hub records one rating per answer) ----------

  function ratedKey(ref) {
    return storageKey + ':rated:' + ref;
  }

  function rateButtons(ref) {
    var box = el('div', 'vt-rate');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', T.rateGroup);
    var stored = null;
    try { stored = window.localStorage.getItem(ratedKey(ref)); } catch (e) { /* private mode */ }
    var buttons = {};
    ['up', 'down'].forEach(function (value) {
      var button = el('button', 'vt-rate-button');
      button.type = 'button';
      button.dataset.value = value;
      button.setAttribute('aria-label', (value === 'up' ? T.rateUp : T.rateDown));
      button.setAttribute('aria-pressed', String(stored === value));
      button.appendChild(thumbIcon(value));
      button.addEventListener('click', function () { rate(ref, value, buttons); });
      buttons[value] = button;
      box.appendChild(button);
    });
    return box;
  }

  // An SVG thumb (Material Icons, Apache-2.0): emoji fonts are missing on some systems.
  var THUMB = 'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';
  function thumbIcon(value) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '20');
    svg.setAttribute('height', '20');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', THUMB);
    path.setAttribute('fill', 'currentColor');
    if (value === 'down') path.setAttribute('transform', 'rotate(180 12 12)');
    svg.appendChild(path);
    return svg;
  }

  async function rate(ref, value, buttons) {
    if (buttons[value].getAttribute('aria-pressed') === 'true') return;
    var previous = buttons.up.getAttribute('aria-pressed') === 'true' ? 'up' : buttons.down.getAttribute('aria-pressed') === 'true' ? 'down' : null;
    buttons.up.setAttribute('aria-pressed', String(value === 'up'));
    buttons.down.setAttribute('aria-pressed', String(value === 'down'));
    try {
      var sessionId = await session();
      var response = await fetch(api + '/feedback', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sessionId: sessionId, ref: ref, value: value }),
      });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      try { window.localStorage.setItem(ratedKey(ref), value); } catch (e) { /* private mode */ }
      setStatus(T.rateThanks);
    } catch (e) {
      buttons.up.setAttribute('aria-pressed', String(previous === 'up'));
      buttons.down.setAttribute('aria-pressed', String(previous === 'down'));
      setStatus(T.rateFailed);
    }
  }

  function showItem(item) {
    if (rendered.has(item.id)) return;
    followConversation(item);
    var node = buildItem(item);
    rendered.set(item.id, node);
    // Keep messages still being sent at the end, where the citizen expects them.
    var firstInflight = null;
    inflight.forEach(function (entry) {
      if (!entry.accepted && !firstInflight && entry.element.parentNode === log) firstInflight = entry.element;
    });
    log.insertBefore(node, firstInflight);
    if (item.author !== 'citizen') hideTyping();
    scrollToEnd();
  }

  function welcomeNode() {
    var node = buildItem({ id: 'welcome', author: 'bot', text: T.welcome, lang: root.lang });
    node.classList.add('vt-msg--welcome');
    return node;
  }

  function showWelcome() {
    log.appendChild(welcomeNode());
  }

  // Shown only on the hub's word (`typing` events): while a bot turn runs for this conversation,
  // or while the agent types (each signal lasts ttlMs). Never guessed from our own sending.
  var typingTimer = 0;
  function showTyping(text, ms) {
    typing.textContent = text;
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, ms);
  }
  function onTyping(signal) {
    if (!signal) return;
    // The turn's end also clears it; the timeout only covers an end lost to a reconnect.
    if (signal.who === 'bot') showTyping(T.typing, 30000);
    else if (signal.who === 'agent') showTyping((signal.name || T.agentUnnamed) + ' ' + T.agentTypingSuffix, Math.min(Number(signal.ttlMs) || 6000, 30000));
    else hideTyping();
  }
  function hideTyping() {
    typing.hidden = true;
    clearTimeout(typingTimer);
  }

  var lastStatus = '';
  var lastStatusKey = null;
  function setStatus(text) {
    // Announce only changes; "Conectado" after every heartbeat reconnect would be noise.
    if (text === lastStatus) return;
    lastStatus = text;
    lastStatusKey = null;
    Object.keys(T).forEach(function (key) { if (T[key] === text) lastStatusKey = key; });
    status.textContent = text;
  }

  // ---------- network ----------

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    // randomUUID needs a secure context; the widget may run on plain-http intranet pages.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  var memorySession = null;
  function storedSession() {
    try { return window.localStorage.getItem(storageKey); } catch (e) { return memorySession; }
  }
  function storeSession(id) {
    memorySession = id;
    try { window.localStorage.setItem(storageKey, id); } catch (e) { /* private mode: keep it in memory */ }
  }

  var sessionPromise = null;
  function session() {
    if (!sessionPromise) {
      sessionPromise = (async function () {
        var existing = storedSession();
        if (existing && /^[A-Za-z0-9_-]{24}$/.test(existing)) return existing;
        for (var attempt = 0; ; attempt++) {
          try {
            var response = await fetch(api + '/sessions', { method: 'POST' });
            if (response.ok) {
              var body = await response.json();
              storeSession(body.sessionId);
              return body.sessionId;
            }
          } catch (e) { /* offline: retry below */ }
          setStatus(T.offline);
          await sleep(Math.min(30000, 1000 * Math.pow(2, attempt)));
        }
      })();
    }
    return sessionPromise;
  }

  function locale() {
    var value = navigator.language;
    return typeof value === 'string' && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value) ? value : undefined;
  }

  // Retries reuse the same clientMessageId, so the hub stores the message once however often we try.
  async function postMessage(body) {
    var lastError = null;
    for (var attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await sleep(1000 * Math.pow(2, attempt - 1));
      try {
        var response = await fetch(api + '/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (response.status === 202) return;
        if (response.status >= 400 && response.status < 500 && response.status !== 429) {
          throw Object.assign(new Error('rejected'), { permanent: true });
        }
        lastError = new Error('HTTP ' + response.status);
      } catch (error) {
        if (error && error.permanent) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  async function send(text, payload) {
    var clean = (text || '').trim();
    if (clean === '' && !payload) return;
    if (clean.length > MAX_TEXT) {
      setStatus(T.tooLong);
      return;
    }
    var clientMessageId = uuid();
    var node = buildItem({ id: 'c' + clientMessageId, author: 'citizen', text: clean });
    node.classList.add('vt-msg--pending');
    var note = el('span', 'vt-note', T.sending);
    node.appendChild(note);
    var entry = { element: node, accepted: false };
    inflight.set(clientMessageId, entry);
    log.appendChild(node);
    scrollToEnd();
    var welcome = log.querySelector('.vt-msg--welcome');
    if (welcome) welcome.remove();

    var sessionId = await session();
    var body = { sessionId: sessionId, clientMessageId: clientMessageId };
    if (clean !== '') body.text = clean;
    if (payload) body.payload = payload;
    var lang = locale();
    if (lang) body.locale = lang;

    async function attempt() {
      note.textContent = T.sending;
      node.classList.add('vt-msg--pending');
      node.classList.remove('vt-msg--failed');
      try {
        await postMessage(body);
        entry.accepted = true;
        node.classList.remove('vt-msg--pending');
        note.remove();
      } catch (e) {
        node.classList.remove('vt-msg--pending');
        node.classList.add('vt-msg--failed');
        note.textContent = T.failed + ' ';
        var again = el('button', 'vt-retry', T.retry);
        again.type = 'button';
        again.addEventListener('click', function () {
          again.remove();
          attempt();
        });
        note.appendChild(again);
      }
    }
    await attempt();
  }

  async function loadHistory() {
    var sessionId = await session();
    liveDuringLoad = [];
    var response;
    try {
      response = await fetch(api + '/history?sessionId=' + encodeURIComponent(sessionId));
    } catch (e) {
      liveDuringLoad = null;
      return;
    }
    if (!response.ok) {
      liveDuringLoad = null;
      return;
    }
    var items = (await response.json()).items || [];
    var streamed = liveDuringLoad || [];
    liveDuringLoad = null;

    // Rebuild from history, the source of truth; aria-busy keeps screen readers from re-reading it all.
    log.setAttribute('aria-busy', 'true');
    rendered.forEach(function (node) { node.remove(); });
    rendered.clear();
    var welcome = log.querySelector('.vt-msg--welcome');
    if (welcome) welcome.remove();
    inflight.forEach(function (entry, id) {
      // Accepted messages are in history now; only those still being sent stay.
      if (entry.accepted) {
        entry.element.remove();
        inflight.delete(id);
      }
    });
    items.forEach(showItem);
    // A reply streamed while history was being read may be newer than what history saw.
    var recentTexts = items.slice(-10).filter(function (i) { return i.author !== 'citizen'; }).map(function (i) { return i.text; });
    streamed.forEach(function (item) {
      if (item.id.charAt(0) === 's' && recentTexts.indexOf(item.text) !== -1) return;
      showItem(item);
    });
    if (items.length === 0 && inflight.size === 0) showWelcome();
    log.removeAttribute('aria-busy');
    scrollToEnd();
  }

  var source = null;
  var started = false;
  async function connect() {
    var sessionId = await session();
    setStatus(T.connecting);
    source = new EventSource(api + '/events?sessionId=' + encodeURIComponent(sessionId));
    // Fires on the first connection and on every automatic reconnection: reload what we missed.
    source.onopen = function () {
      setStatus(T.online);
      loadHistory();
    };
    source.onmessage = function (event) {
      var item;
      try { item = JSON.parse(event.data); } catch (e) { return; }
      if (!item || typeof item.id !== 'string') return;
      if (liveDuringLoad) liveDuringLoad.push(item);
      else showItem(item);
    };
    source.addEventListener('typing', function (event) {
      try { onTyping(JSON.parse(event.data)); } catch (e) { /* a malformed signal shows nothing */ }
    });
    source.onerror = function () {
      setStatus(T.offline);
      if (source.readyState === EventSource.CLOSED) {
        // The browser gives up on HTTP errors; try again ourselves a little later.
        source.close();
        setTimeout(connect, 5000);
      }
    };
  }

  function start() {
    if (started) return;
    started = true;
    connect();
  }

  // ---------- input ----------

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value;
    if (text.trim() === '') {
      input.focus();
      return;
    }
    input.value = '';
    send(text);
    input.focus();
  });

  input.addEventListener('keydown', function (event) {
    // Enter sends; Shift+Enter adds a line; never interrupt an IME composition.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });

  // Inline chats connect at once; the floating one when first opened, or at once if it already
  // has a conversation (so replies that arrive while closed are not missed).
  loadTexts();
  if (!floating || storedSession()) start();
})();
