/* Agent console: plain JavaScript, no build step. Every piece of citizen or agent text is put in
 * the page with textContent (never innerHTML), so `<img src=x onerror=alert(1)>` shows as text.
 * The CSRF token lives only in memory; the session cookie is httpOnly. */
/* global document, window, fetch, EventSource, Notification, setTimeout, CustomEvent */
(function () {
  'use strict';

  // Every text written at run time comes from the page's catalogue (ui-texts.js, config/i18n/console).
  const T = window.ventanillaTexts;
  const t = T.t;
  const known = (prefix, value) => (T.has(prefix + value) ? t(prefix + value) : value);
  const PRIORITY = { urgent: t('priority.urgent'), vulnerable: t('priority.vulnerable'), normal: '' };
  // The safety net marked a possible risk: the agent sees which line's number the citizen got.
  const riskLabel = (intent) => t('risk', { line: String(intent).replace('emergencia.', '') });
  const statusText = (status) => known('status.', status);
  const authorText = (author) => known('author.', author);
  const eventText = (kind) => known('event.', kind);

  const state = { user: null, csrf: null, selected: null, detail: null, queues: [], agents: [], events: null, refreshTimer: null };

  const $ = (id) => document.getElementById(id);

  // Parts loaded before this file (waiting.js, presence-prompt.js, agent-typing.js) register hooks
  // in window.VentanillaConsole; a failing part must not break the console.
  function hook(name, ...args) {
    for (const part of window.VentanillaConsole || []) {
      if (typeof part[name] !== 'function') continue;
      try {
        const result = part[name](...args);
        if (result && typeof result.catch === 'function') result.catch(() => undefined);
      } catch {
        /* a part's failure stays in that part */
      }
    }
  }
  const partContext = () => ({ state, api, announce, refreshLists, select: (id) => select(id) });
  // Modules beside this file (offers.js, canned.js) work through this bridge and the `ventanilla:*` /
  // `console:*` events; the parts in window.VentanillaConsole are called through hook() instead.
  const emit = (name, detail) => document.dispatchEvent(new CustomEvent('ventanilla:' + name, { detail }));
  window.ventanillaConsole = { api: (m, u, b) => api(m, u, b), select: (id) => select(id), announce: (t) => announce(t), refresh: () => refreshLists(), user: () => state.user, queues: () => state.queues };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function announce(text) {
    const region = $('announcer');
    region.textContent = '';
    // A tick later, so screen readers notice the change even when the text repeats.
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  }

  async function api(method, url, body) {
    const headers = {};
    if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.message || t('error.status', { status: response.status }));
      error.status = response.status;
      error.reason = data.reason;
      // A session that ran out (idle or absolute limit): back to the login form, saying why.
      if (response.status === 401 && url !== '/api/auth/login' && (state.user || data.reason === 'session-expired')) {
        if (state.user) showLogin();
        // Several requests can be refused at once: the one that says why (idle, absolute limit)
        // wins, and a later plain 401 (the session is already gone) does not overwrite it.
        if (data.reason === 'session-expired') $('login-error').textContent = data.message;
        else if ($('login-error').textContent === '') $('login-error').textContent = t('session.expired');
      }
      throw error;
    }
    return data;
  }

  function explain(error) {
    if (error.status === 401) return t('explain.401');
    if (error.status === 403) return t('explain.403');
    if (error.status === 409) return T.has('explain.409.' + error.reason) ? t('explain.409.' + error.reason) : t('explain.409.changed');
    if (error.status === 429) return t('explain.429');
    if (error.status === 400) return t('explain.400');
    return t('explain.other');
  }

  // ── session ─────────────────────────────────────────────────────────────────────────────

  function showLogin() {
    state.user = null;
    state.csrf = null;
    if (state.events) state.events.close();
    state.events = null;
    $('console-view').hidden = true;
    $('session-bar').hidden = true;
    $('login-view').hidden = false;
    emit('session', null);
    $('username').focus();
    hook('left');
  }

  async function enter(session) {
    state.user = session.user;
    state.csrf = session.csrfToken;
    $('login-view').hidden = true;
    $('console-view').hidden = false;
    $('session-bar').hidden = false;
    $('who').textContent = session.user.displayName + ' (' + session.user.role + ')';
    $('presence').value = session.user.presence;
    const [queues, agents] = await Promise.all([api('GET', '/api/agent/queues'), api('GET', '/api/agent/agents')]);
    state.queues = queues.queues;
    state.agents = agents.agents;
    hook('enter', partContext());
    connectEvents();
    emit('session', state.user);
    await refreshLists();
    $('main').focus();
    document.dispatchEvent(new CustomEvent('console:session', { detail: { user: session.user } }));
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    const username = $('username').value.trim();
    const password = $('password').value;
    if (!username || !password) {
      $('login-error').textContent = t('login.empty');
      return;
    }
    try {
      const session = await api('POST', '/api/auth/login', { username, password });
      $('password').value = '';
      if (window.Notification && Notification.permission === 'default') Notification.requestPermission().catch(() => undefined);
      await enter(session);
    } catch (error) {
      // 429 says which limit applies (this address, or the account locked) and for how long.
      $('login-error').textContent = error.status === 401 ? t('login.wrong') : error.status === 429 ? error.message : explain(error);
    }
  });

  $('logout').addEventListener('click', async () => {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      showLogin();
    }
  });

  $('presence').addEventListener('change', async () => {
    try {
      const user = await api('PUT', '/api/agent/presence', { status: $('presence').value });
      state.user = Object.assign({}, state.user, user);
      announce(t('presence.announce', { presence: $('presence').selectedOptions[0].textContent }));
      await refreshLists();
    } catch (error) {
      announce(explain(error));
    }
  });

  // ── live feed ───────────────────────────────────────────────────────────────────────────

  function connectEvents() {
    if (state.events) state.events.close();
    const source = new EventSource('/api/agent/events');
    state.events = source;
    hook('connected', source);
    source.addEventListener('handoff', (message) => {
      const event = JSON.parse(message.data);
      if (event.type === 'assigned' && event.agentId === state.user.id) notifyAssigned(event);
      emit('handoff', event);
      scheduleRefresh(event.conversationId);
    });
    source.addEventListener('transcript', (message) => {
      const data = JSON.parse(message.data);
      if (state.selected === data.conversationId) scheduleRefresh(data.conversationId);
    });
    // A reply was sent, will be retried, is held or failed: its state line changes.
    source.addEventListener('delivery', (message) => {
      const data = JSON.parse(message.data);
      if (state.selected === data.conversationId) scheduleRefresh(data.conversationId);
    });
  }

  function notifyAssigned(event) {
    const text = t('assigned.notice');
    announce(text);
    if (!document.hasFocus()) document.title = t('assigned.title', { title: pageTitle });
    if (window.Notification && Notification.permission === 'granted') {
      try {
        const notification = new Notification('Ventanilla', { body: text, tag: event.ticketId || 'asignada' });
        notification.onclick = () => {
          window.focus();
          if (event.conversationId) select(event.conversationId);
        };
      } catch {
        /* notifications are a courtesy */
      }
    }
  }
  // The served title is already in the page's language.
  const pageTitle = document.title;
  window.addEventListener('focus', () => {
    document.title = pageTitle;
  });

  let pendingDetail = false;
  function scheduleRefresh(conversationId) {
    if (conversationId && conversationId === state.selected) pendingDetail = true;
    if (state.refreshTimer) return;
    // Bursts of events (an assignment pass) become one refresh.
    state.refreshTimer = setTimeout(async () => {
      state.refreshTimer = null;
      const detail = pendingDetail;
      pendingDetail = false;
      await refreshLists().catch(() => undefined);
      if (detail && state.selected) await loadDetail(state.selected, false).catch(() => undefined);
    }, 80);
  }

  // ── lists ───────────────────────────────────────────────────────────────────────────────


  function renderList(listId, countId, conversations, emptyText) {
    const list = $(listId);
    list.replaceChildren();
    if (countId) $(countId).textContent = '(' + conversations.length + ')';
    if (conversations.length === 0) {
      list.append(el('li', 'empty', emptyText));
      return;
    }
    for (const c of conversations) {
      const item = el('li');
      const button = el('button');
      button.type = 'button';
      button.dataset.conversationId = c.conversationId;
      if (c.conversationId === state.selected) button.setAttribute('aria-current', 'true');
      const name = el('span', 'name', c.citizenLabel || c.citizenName);
      if (PRIORITY[c.priority]) name.append(el('span', 'badge ' + c.priority, PRIORITY[c.priority]));
      if (c.risk) name.append(el('span', 'badge risk', riskLabel(c.risk)));
      button.append(name);
      const parts = [c.queueName, c.channel];
      if (c.status === 'queued') parts.push(t('list.position', { position: c.position || '?' }));
      else if (c.status === 'assigned') parts.push(c.agentId === state.user.id ? t('list.withYou') : t('list.with', { name: c.agentName || t('list.someoneElse') }));
      else parts.push(statusText(c.status));
      if (c.outOfHours) parts.push(t('list.outOfHours'));
      button.append(el('span', 'sub', parts.join(' · ')));
      if (c.undelivered > 0) button.append(el('span', 'sub problem', T.n('list.undelivered', c.undelivered)));
      hook('item', button, c);
      button.addEventListener('click', () => select(c.conversationId));
      item.append(button);
      list.append(item);
    }
  }

  async function refreshLists() {
    if (!state.user) return;
    const [queued, assigned, resolved] = await Promise.all([
      api('GET', '/api/agent/conversations?status=queued'),
      api('GET', '/api/agent/conversations?status=assigned'),
      api('GET', '/api/agent/conversations?status=resolved'),
    ]);
    const supervising = state.user.role === 'supervisor' || state.user.role === 'admin';
    const mine = assigned.conversations.filter((c) => supervising || c.agentId === state.user.id);
    renderList('queued-list', 'queued-count', queued.conversations, t('list.noneQueued'));
    renderList('mine-list', 'mine-count', mine, t('list.noneMine'));
    renderList('resolved-list', null, resolved.conversations.slice(0, 10), t('list.noneResolved'));
    hook('refreshed', { queued: queued.conversations, mine, resolved: resolved.conversations });
  }

  // ── detail ──────────────────────────────────────────────────────────────────────────────

  async function select(conversationId) {
    state.selected = conversationId;
    // Fresh colleagues and queue counts for the transfer list.
    const [queues, agents] = await Promise.all([api('GET', '/api/agent/queues'), api('GET', '/api/agent/agents')]).catch(() => [null, null]);
    if (queues) state.queues = queues.queues;
    if (agents) state.agents = agents.agents;
    for (const button of document.querySelectorAll('.conversation-list button')) {
      if (button.dataset.conversationId === conversationId) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    await loadDetail(conversationId, true);
  }

  function entryClass(entry) {
    if (entry.author === 'system' && entry.internal) return entry.kind === 'handoff.note' || entry.kind === 'handoff.transferred' ? 'note' : 'event';
    return entry.author === 'system' ? 'bot' : entry.author;
  }

  function renderTranscript(transcript) {
    const list = $('transcript');
    list.replaceChildren();
    for (const entry of transcript) {
      const item = el('li', entryClass(entry));
      let who = authorText(entry.author);
      if (entry.author === 'agent' && entry.agentName) who = entry.agentName;
      if (entry.internal && entry.kind === 'handoff.note') who = entry.agentName ? t('transcript.noteBy', { name: entry.agentName }) : t('transcript.note');
      if (entry.internal && entry.kind !== 'handoff.note') who = eventText(entry.kind);
      if (entry.internal && entry.kind === 'handoff.assigned' && entry.agentName) who = t('transcript.assignedTo', { name: entry.agentName });
      const time = new Date(entry.createdAt).toLocaleTimeString(T.lang, { hour: '2-digit', minute: '2-digit' });
      item.append(el('span', 'who', who + ' · ' + time));
      if (entry.subject) item.append(el('p', 'subject', t('transcript.subject', { subject: entry.subject })));
      if (entry.text) item.append(el('p', 'text', entry.text));
      if (entry.choices) item.append(el('p', 'nlu', t('transcript.choices', { choices: entry.choices.join(' · ') })));
      if (entry.delivery) item.append(renderDelivery(entry.delivery));
      if (entry.author === 'citizen' && (entry.intent || entry.language)) {
        const nlu = [];
        if (entry.intent) nlu.push(entry.score === null ? t('transcript.intent', { intent: entry.intent }) : t('transcript.intentScore', { intent: entry.intent, score: T.number(entry.score, { style: 'percent' }) }));
        if (entry.language) nlu.push(t('transcript.language', { language: T.language(entry.language) }));
        item.append(el('p', 'nlu', nlu.join(' · ')));
      }
      list.append(item);
    }
    const box = $('transcript-box');
    box.scrollTop = box.scrollHeight;
  }

  /** A reply's delivery: its state, why it is not delivered (plain words), and «Reintentar» when it applies. */
  function renderDelivery(delivery) {
    const problem = delivery.state === 'dead' || delivery.state === 'held' || delivery.state === 'retrying';
    const box = el('div', 'delivery ' + delivery.state + (problem ? ' problem' : ''));
    box.append(el('span', 'delivery-label', delivery.label));
    if (delivery.reason) box.append(el('span', 'delivery-reason', ' · ' + delivery.reason));
    if (delivery.detail && problem) {
      const detail = el('details', 'delivery-detail');
      detail.append(el('summary', null, t('delivery.detail')), el('span', null, delivery.detail));
      box.append(detail);
    }
    if (delivery.canRetry) {
      const retry = el('button', 'secondary retry', t('delivery.retry'));
      retry.type = 'button';
      retry.setAttribute('aria-label', t('delivery.retryLabel'));
      retry.addEventListener('click', () =>
        act(
          api('POST', '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/outbox/' + encodeURIComponent(delivery.outboxId) + '/retry'),
          t('delivery.retrying'),
        ),
      );
      box.append(retry);
    }
    return box;
  }

  function fillCanned(canned, keep) {
    const select = $('canned');
    const chosen = keep ? select.value : '';
    select.replaceChildren(el('option', null, t('canned.pick')));
    select.firstChild.value = '';
    for (const c of canned) {
      const option = el('option', null, c.title);
      option.value = c.id;
      select.append(option);
    }
    if (canned.some((c) => c.id === chosen)) select.value = chosen;
  }

  function fillTransfer(current) {
    const select = $('transfer-target');
    select.replaceChildren();
    const queues = el('optgroup');
    queues.label = t('transfer.queues');
    for (const q of state.queues) {
      if (q.id === current.queueId && current.status === 'queued') continue;
      const option = el('option', null, t('transfer.queue', { queue: q.name, waiting: T.number(q.waiting) }));
      option.value = 'queue:' + q.id;
      queues.append(option);
    }
    const agents = el('optgroup');
    agents.label = t('transfer.people');
    for (const a of state.agents) {
      if (a.id === current.agentId || a.presence === 'offline') continue;
      const option = el('option', null, a.presence === 'away' ? t('transfer.away', { name: a.displayName }) : a.displayName);
      option.value = 'agent:' + a.id;
      agents.append(option);
    }
    select.append(queues, agents);
  }

  async function loadDetail(conversationId, focus) {
    $('detail-error').textContent = '';
    let detail;
    try {
      detail = await api('GET', '/api/agent/conversations/' + encodeURIComponent(conversationId));
    } catch (error) {
      $('detail-error').textContent = explain(error);
      return;
    }
    if (state.selected !== conversationId) return;
    // A refresh of the open conversation (a live event) keeps what the agent was choosing.
    const refresh = state.detailId === conversationId;
    state.detail = detail;
    state.detailId = conversationId;
    const c = detail.conversation;
    $('detail-title').textContent = c.citizenLabel || c.citizenName;
    const meta = [statusText(c.status), c.queueName, t('meta.channel', { channel: c.channel })];
    if (c.language) meta.push(t('meta.language', { language: T.language(c.language) }));
    if (PRIORITY[c.priority]) meta.push(t('meta.priority', { priority: PRIORITY[c.priority].toLocaleLowerCase(T.lang) }));
    if (c.risk) meta.push(riskLabel(c.risk).toLocaleLowerCase(T.lang));
    if (c.intent) meta.push(t('meta.intent', { intent: c.intent }));
    if (c.agentName) meta.push(t('meta.agent', { name: c.agentName }));
    $('detail-meta').textContent = meta.join(' · ');
    $('detail-body').hidden = false;
    const open = c.status === 'queued' || c.status === 'assigned';
    const mine = c.status === 'assigned' && c.agentId === state.user.id;
    $('claim').hidden = c.status !== 'queued';
    $('close').hidden = !(mine || (open && (state.user.role === 'supervisor' || state.user.role === 'admin')));
    $('reply-form').hidden = !mine;
    $('transfer-form').hidden = !open;
    renderTranscript(detail.transcript);
    fillCanned(detail.canned, refresh);
    document.dispatchEvent(new CustomEvent('console:detail', { detail: Object.assign({}, detail, { refresh }) }));
    fillTransfer(c);
    if (focus) $('detail-title').focus();
  }

  async function act(promise, success) {
    $('detail-error').textContent = '';
    try {
      const result = await promise;
      if (success) announce(success);
      await refreshLists();
      if (state.selected) await loadDetail(state.selected, false);
      return result;
    } catch (error) {
      $('detail-error').textContent = explain(error);
      if (state.selected) await loadDetail(state.selected, false).catch(() => undefined);
      return undefined;
    }
  }

  $('claim').addEventListener('click', async () => {
    await act(api('POST', '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/claim'), t('done.claimed'));
    if ($('reply-form').hidden === false) $('reply').focus();
  });

  $('close').addEventListener('click', () => act(api('POST', '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/close'), t('done.closed')));

  // Picking a canned response (filled by the hub in the citizen's language) shows a preview: canned.js.

  async function sendReply() {
    const text = $('reply').value.trim();
    if (!text) {
      $('detail-error').textContent = t('reply.empty');
      return;
    }
    // A canned response inserted (canned.js) and sent as it is goes out marked with its language,
    // the citizen's; the agent's own words are left to the hub's language detection.
    const body = { text };
    const cannedLanguage = window.VentanillaCanned ? window.VentanillaCanned.languageOf(text) : undefined;
    if (cannedLanguage) body.language = cannedLanguage;
    const sent = await act(api('POST', '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/messages', body), t('done.sent'));
    if (sent !== undefined) $('reply').value = '';
    $('reply').focus();
  }

  $('reply-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sendReply();
  });
  $('reply').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendReply();
    }
  });

  $('note-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = $('note').value.trim();
    if (!text) return;
    const done = await act(api('POST', '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/notes', { text }), t('done.note'));
    if (done !== undefined) $('note').value = '';
  });

  $('transfer-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const target = $('transfer-target').value;
    if (!target) return;
    const [kind, id] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
    const body = kind === 'queue' ? { queue: id } : { agent: id };
    const note = $('transfer-note').value.trim();
    if (note) body.note = note;
    const url = '/api/agent/conversations/' + encodeURIComponent(state.selected) + '/transfer';
    // A refusal the person may override knowingly (offers.js asks) is sent again with the flag.
    const transferring = api('POST', url, body).catch((error) => {
      const again = window.VentanillaOffers ? window.VentanillaOffers.confirmTransfer(error, body) : undefined;
      if (again) return api('POST', url, again);
      throw error;
    });
    const done = await act(transferring, t('done.transferred'));
    if (done !== undefined) $('transfer-note').value = '';
  });

  // ── start ───────────────────────────────────────────────────────────────────────────────

  api('GET', '/api/auth/session')
    .then((session) => enter(session))
    .catch(() => showLogin());
})();
