/* Editor de contenidos de Ventanilla: plain JS, no build step. Every text from the server goes
 * into the page through textContent (never innerHTML), so nothing an editor or citizen typed runs. */
/* global document, window, fetch, sessionStorage, setTimeout, ventanillaSlug */
'use strict';

const LANGS = ['es', 'ca', 'gl', 'eu', 'en'];
// The limits come from the server's content schema (GET /api/editor/channels): the page states none.
const state = { csrf: sessionStorage.getItem('editor-csrf') || '', limits: {}, answerMax: null, shortMax: null, idPattern: '^(None|[a-z][a-z0-9_]{0,39}\\.[a-z0-9_]{1,60})$', intent: null, isNew: false, idEdited: false, lang: 'es', queues: [], domains: [] };
// Texts written at run time come from the page's catalogue (ui-texts.js, config/i18n/console).
const T = window.ventanillaTexts;
const t = T.t;
const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function flash(text) {
  $('flash').textContent = text || '';
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = state.csrf;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401) {
    show('login');
    throw new Error(t('signIn'));
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && data.reasons ? data.reasons.join('\n') : data && data.problems ? data.problems.map((p) => `${p.field}: ${p.message}`).join('\n') : (data && data.message) || response.statusText;
    const error = new Error(detail);
    error.status = response.status;
    error.problems = (data && data.problems) || [];
    throw error;
  }
  return data;
}

function show(view) {
  for (const id of ['login', 'view-intents', 'view-intent', 'view-inbox', 'view-versions']) $(id).hidden = id !== view && id !== `view-${view}`;
  for (const button of document.querySelectorAll('nav button')) {
    if (button.dataset.view === view) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
}

async function loadIntents() {
  const q = $('search').value.trim();
  const data = await api('GET', `/api/editor/intents${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  const body = $('intent-table').querySelector('tbody');
  body.replaceChildren();
  for (const intent of data.intents) {
    const row = el('tr');
    const cell = el('td');
    const link = el('a', intent.id, { href: `#intent/${intent.id}` });
    cell.append(link, el('span', ` — ${intent.title}`));
    row.append(cell, el('td', intent.enabled ? t('yes') : t('no')));
    for (const lang of LANGS) {
      const c = intent.completeness[lang];
      const complete = c.utterances > 0 && c.answer;
      const fallbackText = complete ? '' : c.fallback === 'handoff' ? t('completeness.toPerson') : c.fallback === 'es' ? t('completeness.toSpanish') : '';
      const td = el('td', `${T.n('completeness.utterances', c.utterances)}${c.answer ? '' : t('completeness.noAnswer')}${fallbackText}`, { class: complete ? 'ok' : c.fallback ? 'fallback' : 'missing' });
      row.append(td);
    }
    body.append(row);
  }
}

function readForm() {
  const intent = state.intent;
  const lang = state.lang;
  const utterances = $('f-utterances').value.split('\n').map((u) => u.trim()).filter(Boolean);
  const text = $('f-answer').value.trim();
  const short = $('f-short').value.trim();
  intent.id = $('f-id').value.trim();
  intent.domain = $('f-domain').value.trim();
  intent.handoffQueue = $('f-queue').value || null;
  intent.enabled = $('f-enabled').checked;
  if (lang !== 'es') {
    intent.fallback = { ...(intent.fallback || {}) };
    if ($('f-fallback').value) intent.fallback[lang] = $('f-fallback').value;
    else delete intent.fallback[lang];
  }
  intent.title = { ...intent.title, [lang]: $('f-title').value.trim() || undefined };
  intent.utterances = { ...intent.utterances, [lang]: utterances };
  const previous = intent.answers[lang] || {};
  intent.answers = { ...intent.answers };
  if (text) intent.answers[lang] = { ...previous, text, ...(short ? { short } : {}) };
  else delete intent.answers[lang];
  if (!short && intent.answers[lang]) delete intent.answers[lang].short;
  if (!intent.title[lang]) delete intent.title[lang];
}

function fillForm() {
  const intent = state.intent;
  const lang = state.lang;
  $('intent-title').textContent = state.isNew ? t('intent.new') : t('intent.title', { id: intent.id });
  $('f-id').value = intent.id;
  $('f-id').readOnly = !state.isNew;
  $('f-domain').value = intent.domain || '';
  $('f-domain').readOnly = !state.isNew;
  fillQueues(intent.handoffQueue || '');
  $('fallback-box').hidden = lang === 'es';
  $('fallback-lang').textContent = T.language(lang);
  $('f-fallback').value = ((intent.fallback || {})[lang]) || '';
  checkId();
  $('f-enabled').checked = intent.enabled !== false;
  $('f-title').value = (intent.title || {})[lang] || '';
  $('f-utterances').value = ((intent.utterances || {})[lang] || []).join('\n');
  const answer = (intent.answers || {})[lang] || {};
  $('f-answer').value = answer.text || '';
  $('f-short').value = answer.short || '';
  $('delete-intent').hidden = state.isNew;
  updatePreview();
}

function countText(node, length, limit) {
  if (typeof limit !== 'number') {
    node.textContent = t('count.plain', { length: T.number(length) });
    return;
  }
  node.textContent = t(length > limit ? 'count.over' : 'count.limit', { length: T.number(length), limit: T.number(limit) });
  node.classList.toggle('over', length > limit);
}

function updatePreview() {
  const channel = $('f-channel').value;
  const limit = state.limits[channel];
  const text = $('f-answer').value;
  const short = $('f-short').value;
  const variant = ((state.intent.answers[state.lang] || {}).channels || {})[channel];
  const shown = variant || (channel === 'x' && short ? short : text);
  $('preview').textContent = shown;
  countText($('preview-count'), shown.length, limit);
  countText($('f-answer-count'), text.length, state.answerMax);
  countText($('f-short-count'), short.length, state.shortMax);
}

async function openIntent(id) {
  flash('');
  if (id === null) {
    state.intent = { id: '', domain: '', enabled: true, handoffQueue: null, title: {}, utterances: {}, answers: {}, fallback: {} };
    state.isNew = true;
    state.idEdited = false;
  } else {
    state.intent = await api('GET', `/api/editor/intents/${encodeURIComponent(id)}`);
    state.isNew = false;
  }
  state.lang = $('f-lang').value;
  show('intent');
  fillForm();
  $('try-result').replaceChildren();
  $('save-status').textContent = '';
  (state.isNew ? $('f-title') : $('f-id')).focus();
}

function fillQueues(selected) {
  const select = $('f-queue');
  const known = state.queues.some((q) => q.id === selected);
  select.replaceChildren(el('option', t('queue.none'), { value: '' }));
  for (const queue of state.queues) select.append(el('option', `${queue.name} (${queue.id})`, { value: queue.id }));
  // A queue the content names but config/queues.yaml no longer has stays visible, flagged.
  if (selected && !known) select.append(el('option', t('queue.unknown', { queue: selected }), { value: selected }));
  select.value = selected;
}

/** Explains the id format in words next to the field, and as the browser's validation message. */
function checkId() {
  const input = $('f-id');
  const problem = state.isNew ? ventanillaSlug.idProblem(input.value.trim(), state.idPattern) : '';
  input.setCustomValidity(problem);
  $('f-id-error').textContent = problem;
  if (problem && input.value.trim() !== '') input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  return problem;
}

/** A new intent's id follows its Spanish title and domain until the editor types an id. */
function suggestId() {
  if (!state.isNew || state.idEdited) return;
  const title = state.lang === 'es' ? $('f-title').value : (state.intent.title || {}).es || $('f-title').value;
  $('f-id').value = ventanillaSlug.intentId($('f-domain').value, title);
  checkId();
}

// The form field that shows a problem the server named (`answers.eu.text` → the answer box).
const FIELD_INPUTS = { id: 'f-id', title: 'f-title', utterances: 'f-utterances', text: 'f-answer', short: 'f-short', domain: 'f-domain', handoffQueue: 'f-queue', fallback: 'f-fallback' };

function clearInvalid() {
  for (const id of Object.values(FIELD_INPUTS)) $(id).removeAttribute('aria-invalid');
}

/** Shows the first problem's field: switches to its language and marks the input invalid. */
function showProblem(problems) {
  const first = problems[0];
  if (!first) return;
  const [group, lang, leaf] = first.field.split('.');
  if (LANGS.includes(lang) && lang !== state.lang) {
    state.lang = lang;
    $('f-lang').value = lang;
    fillForm();
  }
  // A missing answer can also be fixed by choosing a fallback: point at the answer, the box is next to it.
  const input = $(group === 'answers' ? FIELD_INPUTS[leaf] || 'f-answer' : FIELD_INPUTS[group] || 'f-id');
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

/** Says what happened next to the save button (a live region), where the editor is looking. */
function saveStatus(text, bad) {
  const status = $('save-status');
  status.textContent = text;
  status.classList.toggle('error', Boolean(bad));
}

async function saveIntent(event) {
  event.preventDefault();
  readForm();
  clearInvalid();
  const idProblem = checkId();
  if (idProblem) {
    saveStatus(t('save.notSaved', { problem: idProblem }), true);
    $('f-id').setAttribute('aria-invalid', 'true');
    $('f-id').focus();
    return;
  }
  try {
    const intent = state.intent;
    const body = { id: intent.id, enabled: intent.enabled, handoffQueue: intent.handoffQueue ?? null, title: intent.title, utterances: intent.utterances, answers: intent.answers, fallback: intent.fallback || {} };
    if (intent.domain) body.domain = intent.domain;
    state.intent = state.isNew ? await api('POST', '/api/editor/intents', body) : await api('PUT', `/api/editor/intents/${encodeURIComponent(intent.id)}`, body);
    state.isNew = false;
    fillForm();
    flash('');
    saveStatus(t('save.saved', { time: new Date().toLocaleTimeString(T.lang) }), false);
  } catch (error) {
    saveStatus(t('save.notSavedLong', { problem: error.message }), true);
    showProblem(error.problems || []);
  }
}

const CHANNEL_NAMES = { webchat: t('channel.webchat'), telegram: 'Telegram', whatsapp: 'WhatsApp', x: t('channel.x') };

/** Red, unmissable: the citizen would not get the written answer. */
function warning(text) {
  return el('p', text, { class: 'warning' });
}

function outcomeBox(title, outcome) {
  const box = el('div');
  box.append(el('h4', title), el('p', t(outcome.language ? 'try.outcomeLanguage' : 'try.outcome', { intent: outcome.intent, score: T.number(outcome.score, { minimumFractionDigits: 2, maximumFractionDigits: 2 }), language: T.language(outcome.language) })));
  if (outcome.fallback) box.append(warning(t('try.fallback')));
  if (outcome.handoff) {
    const queue = outcome.queue ? t('try.ofQueue', { queue: outcome.queue }) : t('try.ofGeneralQueue');
    box.append(warning(t(outcome.languageFallback === 'handoff' ? 'try.handoffNoLanguage' : 'try.handoff', { queue })));
  }
  if (outcome.languageFallback === 'es') box.append(el('p', t('try.inSpanish'), { class: 'notice' }));
  for (const channel of Object.keys(CHANNEL_NAMES)) {
    const messages = (outcome.channels || {})[channel] || [];
    const section = el('section', null, { class: 'channel', 'aria-label': `${title}: ${CHANNEL_NAMES[channel]}` });
    section.append(el('h5', CHANNEL_NAMES[channel]));
    if (messages.length === 0 && !outcome.handoff) section.append(warning(t('try.empty')));
    for (const message of messages) {
      section.append(el('p', message.text, { class: 'preview' }));
      if (message.buttons && message.buttons.length) {
        const buttons = el('ul', null, { class: 'buttons', 'aria-label': t('try.buttons') });
        for (const title of message.buttons) buttons.append(el('li', title));
        section.append(buttons);
      }
    }
    box.append(section);
  }
  return box;
}

async function tryIt(event) {
  event.preventDefault();
  const target = $('try-result');
  target.replaceChildren(el('p', t('try.running')));
  try {
    const result = await api('POST', '/api/editor/try', { text: $('try-text').value, lang: state.lang, channel: $('f-channel').value });
    const grid = el('div', null, { class: 'compare' });
    grid.append(outcomeBox(t('try.draft'), result.draft), outcomeBox(result.published.version ? t('try.published', { version: result.published.version }) : t('try.publishedInitial'), result.published));
    target.replaceChildren(grid);
  } catch (error) {
    target.replaceChildren(el('p', t('try.error', { message: error.message })));
  }
}

// The inbox view lives in inbox.js (window.EditorInbox).
async function loadInbox() {
  await window.EditorInbox.load({ api, flash, list: $('inbox-list') });
}

function describeDiff(diff) {
  const parts = [];
  if (diff.added.length) parts.push(t('diff.added', { ids: diff.added.join(', ') }));
  if (diff.removed.length) parts.push(t('diff.removed', { ids: diff.removed.join(', ') }));
  if (diff.changed.length) parts.push(t('diff.changed', { ids: diff.changed.map((c) => `${c.id} (${c.fields.join(', ')})`).join('; ') }));
  parts.push(t('diff.counts', { utterancesBefore: diff.utterances.before, utterancesAfter: diff.utterances.after, answersBefore: diff.answers.before, answersAfter: diff.answers.after }));
  return parts.join(' · ');
}

async function loadVersions() {
  const data = await api('GET', '/api/editor/versions');
  $('draft-summary').textContent = t('versions.draftChanges', { changes: describeDiff(data.draft) });
  const list = $('version-list');
  list.replaceChildren();
  for (const version of data.versions) {
    const item = el('li', null, { 'data-version': String(version.number) });
    const title = t(version.live ? 'versions.titleLive' : 'versions.title', { number: version.number, message: version.message });
    const accuracy = version.accuracy === null ? '' : t('versions.accuracy', { accuracy: T.number(version.accuracy, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }) });
    item.append(el('h3', title), el('p', `${version.authorName || version.author} · ${new Date(version.createdAt).toLocaleString(T.lang)}${accuracy}`, { class: 'hint' }), el('p', describeDiff(version.diff)));
    if (!version.live) {
      const rollback = el('button', t('rollback.button', { number: version.number }), { type: 'button', class: 'secondary' });
      rollback.addEventListener('click', () => void confirmRollback(version, data.draft, rollback));
      item.append(rollback);
    }
    list.append(item);
  }
}

function draftChanged(diff) {
  return diff.added.length + diff.removed.length + diff.changed.length > 0;
}

/** Asks before a rollback; the draft is kept unless the editor ticks the box. */
function confirmRollback(version, draftDiff, opener) {
  const dialog = $('rollback-dialog');
  $('rollback-title').textContent = t('rollback.title', { number: version.number });
  $('rollback-text').textContent =
    t('rollback.text', { number: version.number, message: version.message }) +
    ' ' +
    (draftChanged(draftDiff) ? t('rollback.draftChanged', { changes: describeDiff(draftDiff) }) : t('rollback.draftClean'));
  $('rollback-reset').checked = false;
  $('rollback-confirm').textContent = t('rollback.button', { number: version.number });
  dialog.returnValue = '';
  dialog.onclose = async () => {
    opener.focus();
    if (dialog.returnValue !== 'confirm') return;
    try {
      const result = await api('POST', `/api/editor/versions/${version.number}/rollback`, { resetDraft: $('rollback-reset').checked });
      $('publish-status').textContent = t('rollback.done', { number: result.number, from: version.number });
      await loadVersions();
    } catch (error) {
      flash(error.message);
    }
  };
  dialog.showModal();
}

async function pollStatus(done) {
  const status = await api('GET', '/api/editor/publish/status').catch(() => null);
  // A poll answered after the publish finished must not overwrite the final message.
  if (status && !done()) {
    $('publish-progress').value = status.percent;
    const stage = T.has('publish.stage.' + status.state) ? t('publish.stage.' + status.state) : t('publish.stage.preparing');
    const percent = T.number(status.percent / 100, { style: 'percent' });
    $('publish-status').textContent = status.language ? t('publish.progressLanguage', { stage, language: T.language(status.language), percent }) : t('publish.progress', { stage, percent });
  }
  if (!done()) setTimeout(() => pollStatus(done), 250);
}

async function publish(event) {
  event.preventDefault();
  flash('');
  let finished = false;
  $('publish-progress').hidden = false;
  void pollStatus(() => finished);
  try {
    const version = await api('POST', '/api/editor/publish', { message: $('publish-message').value });
    finished = true;
    $('publish-status').textContent = t('publish.done', { number: version.number });
    $('publish-message').value = '';
    await loadVersions();
  } catch (error) {
    finished = true;
    $('publish-status').textContent = t('publish.failed');
    flash(t('publish.refused', { message: error.message }));
  } finally {
    $('publish-progress').hidden = true;
  }
}

async function route() {
  flash('');
  const hash = window.location.hash.replace(/^#/, '');
  try {
    if (hash.startsWith('intent/')) await openIntent(decodeURIComponent(hash.slice('intent/'.length)));
    else if (hash === 'inbox') {
      show('inbox');
      await loadInbox();
    } else if (hash === 'versions') {
      show('versions');
      await loadVersions();
    } else {
      show('intents');
      await loadIntents();
    }
  } catch (error) {
    flash(error.message);
  }
}

async function start() {
  try {
    const session = await api('GET', '/api/auth/session');
    state.csrf = session.csrfToken;
    sessionStorage.setItem('editor-csrf', state.csrf);
    $('who').textContent = `${session.user.displayName || session.user.username} (${session.user.role})`;
  } catch {
    // No session endpoint or no session: a header-authorised deployment still works; a 401 shows the login.
  }
  const limits = await api('GET', '/api/editor/channels').catch(() => null);
  if (limits) {
    state.limits = limits.limits;
    state.answerMax = limits.answerMax;
    state.shortMax = limits.shortMax;
    // No `pattern` attribute: the browser would say only "Please match the requested format.";
    // checkId() explains the format in words (and sets it as the validation message).
    state.idPattern = limits.idPattern;
    $('f-title').maxLength = limits.titleMax;
  }
  const queues = await api('GET', '/api/editor/queues').catch(() => null);
  if (queues) state.queues = queues.queues;
  const intents = await api('GET', '/api/editor/intents').catch(() => null);
  if (intents) {
    state.domains = [...new Set(intents.intents.map((i) => i.domain))].sort();
    $('domain-list').replaceChildren(...state.domains.map((d) => el('option', null, { value: d })));
  }
  await route();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('nav button')) {
    button.addEventListener('click', () => {
      window.location.hash = button.dataset.view === 'intents' ? '' : button.dataset.view;
      void route();
    });
  }
  window.addEventListener('hashchange', () => void route());
  $('search').addEventListener('input', () => void loadIntents().catch((e) => flash(e.message)));
  $('new-intent').addEventListener('click', () => void openIntent(null));
  $('intent-form').addEventListener('submit', saveIntent);
  $('f-lang').addEventListener('change', () => {
    readForm();
    state.lang = $('f-lang').value;
    fillForm();
  });
  for (const id of ['f-answer', 'f-short', 'f-channel']) $(id).addEventListener('input', updatePreview);
  $('f-title').addEventListener('input', suggestId);
  $('f-domain').addEventListener('input', suggestId);
  $('f-id').addEventListener('input', () => {
    state.idEdited = $('f-id').value.trim() !== '';
    checkId();
  });
  $('f-id').addEventListener('invalid', () => checkId());
  $('f-channel').addEventListener('change', updatePreview);
  $('back').addEventListener('click', () => {
    window.location.hash = '';
  });
  $('delete-intent').addEventListener('click', async () => {
    if (!window.confirm(t('intent.deleteConfirm', { id: state.intent.id }))) return;
    await api('DELETE', `/api/editor/intents/${encodeURIComponent(state.intent.id)}`).catch((e) => flash(e.message));
    window.location.hash = '';
  });
  $('try-form').addEventListener('submit', tryIt);
  $('publish-form').addEventListener('submit', publish);
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const session = await api('POST', '/api/auth/login', { username: $('login-user').value, password: $('login-pass').value });
      state.csrf = session.csrfToken;
      sessionStorage.setItem('editor-csrf', state.csrf);
      await start();
    } catch (error) {
      flash(error.message);
    }
  });
  void start();
});
