/* Editor de contenidos de Ventanilla: plain JS, no build step. Every text from the server goes
 * into the page through textContent (never innerHTML), so nothing an editor or citizen typed runs. */
/* global document, window, fetch, sessionStorage, setTimeout */
'use strict';

const LANGS = ['es', 'ca', 'gl', 'eu', 'en'];
// The limits come from the server's content schema (GET /api/editor/channels): the page states none.
const state = { csrf: sessionStorage.getItem('editor-csrf') || '', limits: {}, answerMax: null, shortMax: null, intent: null, isNew: false, lang: 'es' };
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
    throw new Error('Inicia sesión para continuar.');
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
    row.append(cell, el('td', intent.enabled ? 'sí' : 'no'));
    for (const lang of LANGS) {
      const c = intent.completeness[lang];
      const complete = c.utterances > 0 && c.answer;
      const td = el('td', `${c.utterances} frases${c.answer ? '' : ', sin respuesta'}`, { class: complete ? 'ok' : 'missing' });
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
  intent.enabled = $('f-enabled').checked;
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
  $('intent-title').textContent = state.isNew ? 'Nueva intención' : `Intención ${intent.id}`;
  $('f-id').value = intent.id;
  $('f-id').readOnly = !state.isNew;
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
    node.textContent = `${length} caracteres`;
    return;
  }
  node.textContent = `${length} / ${limit} caracteres${length > limit ? ' — supera el límite' : ''}`;
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
    state.intent = { id: '', enabled: true, title: {}, utterances: {}, answers: {} };
    state.isNew = true;
  } else {
    state.intent = await api('GET', `/api/editor/intents/${encodeURIComponent(id)}`);
    state.isNew = false;
  }
  state.lang = $('f-lang').value;
  show('intent');
  fillForm();
  $('try-result').replaceChildren();
  $('f-id').focus();
}

// The form field that shows a problem the server named (`answers.eu.text` → the answer box).
const FIELD_INPUTS = { id: 'f-id', title: 'f-title', utterances: 'f-utterances', text: 'f-answer', short: 'f-short' };

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
  const input = $(group === 'answers' ? FIELD_INPUTS[leaf] || 'f-answer' : FIELD_INPUTS[group] || 'f-id');
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

async function saveIntent(event) {
  event.preventDefault();
  readForm();
  clearInvalid();
  try {
    const body = { id: state.intent.id, enabled: state.intent.enabled, handoffQueue: state.intent.handoffQueue ?? null, title: state.intent.title, utterances: state.intent.utterances, answers: state.intent.answers };
    state.intent = state.isNew ? await api('POST', '/api/editor/intents', body) : await api('PUT', `/api/editor/intents/${encodeURIComponent(state.intent.id)}`, body);
    state.isNew = false;
    fillForm();
    flash('');
    $('try-result').replaceChildren(el('p', 'Guardado en el borrador.'));
  } catch (error) {
    flash(`No se ha guardado:\n${error.message}`);
    showProblem(error.problems || []);
  }
}

function outcomeBox(title, outcome) {
  const box = el('div');
  box.append(el('h4', title), el('p', `Intención: ${outcome.intent}`), el('p', `Puntuación: ${outcome.score.toFixed(2)}`));
  if (outcome.fallback) box.append(el('p', 'Sin respuesta para esto: el ciudadano recibiría el mensaje de reserva.', { class: 'hint over' }));
  for (const answer of outcome.answers) box.append(el('p', answer, { class: 'preview' }));
  return box;
}

async function tryIt(event) {
  event.preventDefault();
  const target = $('try-result');
  target.replaceChildren(el('p', 'Probando… (el borrador se entrena en segundo plano)'));
  try {
    const result = await api('POST', '/api/editor/try', { text: $('try-text').value, lang: state.lang, channel: $('f-channel').value });
    const grid = el('div', null, { class: 'compare' });
    grid.append(outcomeBox('Borrador', result.draft), outcomeBox(`Publicado (versión ${result.published.version || 'inicial'})`, result.published));
    target.replaceChildren(grid);
  } catch (error) {
    target.replaceChildren(el('p', `Error: ${error.message}`));
  }
}

// The inbox view lives in inbox.js (window.EditorInbox).
async function loadInbox() {
  await window.EditorInbox.load({ api, flash, list: $('inbox-list') });
}

function describeDiff(diff) {
  const parts = [];
  if (diff.added.length) parts.push(`añadidas: ${diff.added.join(', ')}`);
  if (diff.removed.length) parts.push(`eliminadas: ${diff.removed.join(', ')}`);
  if (diff.changed.length) parts.push(`cambiadas: ${diff.changed.map((c) => `${c.id} (${c.fields.join(', ')})`).join('; ')}`);
  parts.push(`frases ${diff.utterances.before} → ${diff.utterances.after}, respuestas ${diff.answers.before} → ${diff.answers.after}`);
  return parts.join(' · ');
}

async function loadVersions() {
  const data = await api('GET', '/api/editor/versions');
  $('draft-summary').textContent = `Cambios del borrador: ${describeDiff(data.draft)}`;
  const list = $('version-list');
  list.replaceChildren();
  for (const version of data.versions) {
    const item = el('li', null, { 'data-version': String(version.number) });
    const title = `Versión ${version.number}${version.live ? ' (en uso)' : ''} — ${version.message}`;
    item.append(el('h3', title), el('p', `${version.author} · ${new Date(version.createdAt).toLocaleString('es-ES')}${version.accuracy === null ? '' : ` · precisión ${(version.accuracy * 100).toFixed(1)} %`}`, { class: 'hint' }), el('p', describeDiff(version.diff)));
    if (!version.live) {
      const rollback = el('button', `Volver a la versión ${version.number}`, { type: 'button', class: 'secondary' });
      rollback.addEventListener('click', async () => {
        try {
          await api('POST', `/api/editor/versions/${version.number}/rollback`);
          await loadVersions();
        } catch (error) {
          flash(error.message);
        }
      });
      item.append(rollback);
    }
    list.append(item);
  }
}

async function pollStatus(done) {
  const status = await api('GET', '/api/editor/publish/status').catch(() => null);
  // A poll answered after the publish finished must not overwrite the final message.
  if (status && !done()) {
    $('publish-progress').value = status.percent;
    const stages = { training: 'Entrenando', evaluating: 'Evaluando', swapping: 'Cambiando el modelo', done: 'Publicado', refused: 'Rechazado', failed: 'Error' };
    $('publish-status').textContent = `${stages[status.state] || 'Preparando'}${status.language ? ` (${status.language})` : ''}: ${status.percent} %`;
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
    $('publish-status').textContent = `Publicada la versión ${version.number}.`;
    $('publish-message').value = '';
    await loadVersions();
  } catch (error) {
    finished = true;
    $('publish-status').textContent = 'No se ha publicado.';
    flash(`Publicación rechazada:\n${error.message}`);
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
    $('f-id').pattern = limits.idPattern;
    $('f-title').maxLength = limits.titleMax;
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
  $('f-channel').addEventListener('change', updatePreview);
  $('back').addEventListener('click', () => {
    window.location.hash = '';
  });
  $('delete-intent').addEventListener('click', async () => {
    if (!window.confirm(`¿Eliminar ${state.intent.id} del borrador?`)) return;
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
