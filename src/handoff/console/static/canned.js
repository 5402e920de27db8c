/* Agent console: canned responses. Plain JavaScript, no build step, text only (textContent).
 * - Agents: picking one in "Respuestas predefinidas" shows a preview of the text the citizen
 *   would read (filled by the hub, in the citizen's language, marked with `lang`); "Insertar"
 *   puts it in the message box, where it can still be edited before sending.
 * - Supervisors and admins: "Editar respuestas predefinidas" in the top bar opens an editor (list, create,
 *   edit, delete per queue and language) over the API `/api/agent/canned`.
 * console.js tells this module about the session (`console:session`) and the open conversation
 * (`console:detail`), and lends it `window.ventanillaConsole.api` (fetch with the CSRF token). */
/* global document, window */
(function () {
  'use strict';

  // Texts from the page's catalogue (ui-texts.js, config/i18n/console).
  const T = window.ventanillaTexts;
  const t = T.t;
  const LANGUAGES = ['es', 'ca', 'gl', 'eu', 'en'];
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const consoleApi = () => window.ventanillaConsole;

  // ── preview (agents) ───────────────────────────────────────────────────────────────────

  let detail = null;
  const preview = el('div', 'canned-preview');
  preview.id = 'canned-preview';
  preview.hidden = true;
  preview.setAttribute('role', 'group');
  preview.setAttribute('aria-labelledby', 'canned-preview-title');
  const previewTitle = el('p', 'canned-preview-title', t('canned.preview'));
  previewTitle.id = 'canned-preview-title';
  const previewText = el('p', 'canned-preview-text');
  previewText.id = 'canned-preview-text';
  const previewNote = el('p', 'canned-preview-note');
  const insert = el('button', null, t('canned.insert'));
  insert.type = 'button';
  const discard = el('button', 'secondary', t('canned.discard'));
  discard.type = 'button';
  const previewActions = el('div', 'actions');
  previewActions.append(insert, discard);
  preview.append(previewTitle, previewText, previewNote, previewActions);

  function mountPreview() {
    const select = $('canned');
    if (select && !preview.isConnected) select.insertAdjacentElement('afterend', preview);
  }

  function hidePreview() {
    preview.hidden = true;
    previewText.textContent = '';
  }

  function showPreview(canned) {
    mountPreview();
    const conversationLanguage = detail && detail.conversation.language;
    previewTitle.textContent = t('canned.previewOf', { title: canned.title });
    previewText.textContent = canned.text;
    previewText.lang = canned.language;
    previewNote.textContent =
      conversationLanguage && conversationLanguage !== canned.language
        ? t('canned.otherLanguage', { language: T.language(canned.language), conversation: T.language(conversationLanguage) })
        : t('canned.sameLanguage', { language: T.language(canned.language) });
    preview.hidden = false;
  }

  // The canned texts inserted into the open conversation's reply box, with their languages.
  let inserted = [];

  /**
   * The language to mark a reply with: the inserted canned texts' when the reply is made of them
   * alone (one language), else undefined (the agent wrote their own words: the hub detects).
   */
  function languageOf(text) {
    let rest = String(text);
    const languages = new Set();
    for (const entry of inserted) {
      if (!entry.text || !rest.includes(entry.text)) continue;
      rest = rest.split(entry.text).join(' ');
      languages.add(entry.language);
    }
    if (languages.size !== 1 || /[\p{L}\p{N}]/u.test(rest)) return undefined;
    return [...languages][0];
  }
  window.VentanillaCanned = { languageOf };

  document.addEventListener('console:detail', (event) => {
    if (!event.detail.refresh) inserted = [];
    detail = event.detail;
    mountPreview();
    // A live refresh of the same conversation keeps the preview the agent is reading.
    const chosen = detail.refresh && !preview.hidden ? detail.canned.find((c) => c.id === $('canned').value) : undefined;
    if (chosen) showPreview(chosen);
    else hidePreview();
  });

  document.addEventListener('change', (event) => {
    if (!event.target || event.target.id !== 'canned') return;
    const id = event.target.value;
    const canned = detail ? detail.canned.find((c) => c.id === id) : undefined;
    if (canned) showPreview(canned);
    else hidePreview();
  });

  insert.addEventListener('click', () => {
    const reply = $('reply');
    const text = previewText.textContent;
    inserted.push({ text, language: previewText.lang });
    reply.value = reply.value.trim() ? reply.value.trimEnd() + ' ' + text : text;
    hidePreview();
    $('canned').value = '';
    reply.focus();
  });

  discard.addEventListener('click', () => {
    hidePreview();
    $('canned').value = '';
    $('canned').focus();
  });

  // ── editor (supervisors and admins) ────────────────────────────────────────────────────

  let queues = [];
  let rows = [];

  const openButton = el('button', 'secondary', t('canned.edit'));
  openButton.type = 'button';
  openButton.id = 'canned-admin-open';
  openButton.hidden = true;

  const dialog = el('dialog', 'canned-admin');
  dialog.id = 'canned-admin';
  dialog.setAttribute('aria-labelledby', 'canned-admin-title');
  const dialogTitle = el('h2', null, t('canned.edit'));
  dialogTitle.id = 'canned-admin-title';
  const help = el('p', 'meta', t('canned.help'));
  const error = el('p', 'error');
  error.setAttribute('role', 'alert');
  const status = el('p', 'meta');
  status.setAttribute('role', 'status');

  function field(labelText, control, id) {
    control.id = id;
    const label = el('label', null, labelText);
    label.htmlFor = id;
    const box = el('div', 'canned-field');
    box.append(label, control);
    return box;
  }

  const filterQueue = el('select');
  const list = el('table', 'canned-table');
  const caption = el('caption', 'visually-hidden', t('canned.caption'));
  const head = el('thead');
  const headRow = el('tr');
  ['queue', 'response', 'language', 'text', 'actions'].forEach((name) => {
    const th = el('th', null, t('canned.column.' + name));
    th.scope = 'col';
    headRow.append(th);
  });
  head.append(headRow);
  const body = el('tbody');
  list.append(caption, head, body);
  const tableBox = el('div', 'canned-table-box');
  tableBox.append(list);

  const form = el('form', 'canned-form');
  form.noValidate = true;
  const formTitle = el('h3', null, t('canned.formTitle'));
  const queueSelect = el('select');
  const idInput = el('input');
  idInput.maxLength = 64;
  idInput.pattern = '[a-z0-9-]+';
  idInput.setAttribute('aria-describedby', 'canned-id-help');
  const idHelp = el('p', 'meta', t('canned.idHelp'));
  idHelp.id = 'canned-id-help';
  const languageSelect = el('select');
  LANGUAGES.forEach((code) => {
    const option = el('option', null, T.language(code));
    option.value = code;
    languageSelect.append(option);
  });
  const titleInput = el('input');
  titleInput.maxLength = 80;
  const textInput = el('textarea');
  textInput.rows = 3;
  textInput.maxLength = 2000;
  const save = el('button', null, t('canned.save'));
  save.type = 'submit';
  const close = el('button', 'secondary', t('canned.close'));
  close.type = 'button';
  const formActions = el('div', 'actions');
  formActions.append(save, close);
  const idField = field(t('canned.field.id'), idInput, 'canned-id');
  idField.append(idHelp);
  form.append(
    formTitle,
    field(t('canned.field.queue'), queueSelect, 'canned-queue'),
    idField,
    field(t('canned.field.language'), languageSelect, 'canned-language'),
    field(t('canned.field.title'), titleInput, 'canned-title'),
    field(t('canned.field.text'), textInput, 'canned-text'),
    formActions,
  );
  dialog.append(dialogTitle, help, field(t('canned.field.filter'), filterQueue, 'canned-filter'), tableBox, form, error, status);

  function queueName(id) {
    const queue = queues.find((q) => q.id === id);
    return queue ? queue.name : id;
  }

  function fillQueues() {
    filterQueue.replaceChildren(el('option', null, t('canned.all')));
    filterQueue.firstChild.value = '';
    queueSelect.replaceChildren();
    for (const queue of queues) {
      const a = el('option', null, queue.name);
      a.value = queue.id;
      filterQueue.append(a);
      const b = el('option', null, queue.name);
      b.value = queue.id;
      queueSelect.append(b);
    }
  }

  function edit(row) {
    queueSelect.value = row.queueId;
    idInput.value = row.id;
    languageSelect.value = row.language;
    titleInput.value = row.title;
    textInput.value = row.text;
    textInput.lang = row.language;
    textInput.focus();
  }

  function render() {
    body.replaceChildren();
    const shown = rows.filter((row) => !filterQueue.value || row.queueId === filterQueue.value);
    if (shown.length === 0) {
      const tr = el('tr');
      const td = el('td', 'empty', t('canned.none'));
      td.colSpan = 5;
      tr.append(td);
      body.append(tr);
    }
    for (const row of shown) {
      const tr = el('tr');
      const text = el('td', 'canned-text-cell', row.text);
      text.lang = row.language;
      const actions = el('td');
      const editButton = el('button', 'secondary', t('canned.editOne'));
      editButton.type = 'button';
      editButton.setAttribute('aria-label', t('canned.editLabel', { title: row.title, language: T.language(row.language) }));
      editButton.addEventListener('click', () => edit(row));
      const remove = el('button', 'danger', t('canned.delete'));
      remove.type = 'button';
      remove.setAttribute('aria-label', t('canned.deleteLabel', { title: row.title, language: T.language(row.language) }));
      remove.addEventListener('click', async () => {
        if (!window.confirm(t('canned.deleteConfirm', { title: row.title, language: T.language(row.language) }))) return;
        await run(
          consoleApi().api('DELETE', '/api/agent/canned/' + [row.queueId, row.id, row.language].map(encodeURIComponent).join('/')),
          t('canned.deleted'),
        );
      });
      actions.append(editButton, remove);
      tr.append(el('td', null, queueName(row.queueId)), el('td', null, row.title + ' (' + row.id + ')'), el('td', null, T.language(row.language)), text, actions);
      body.append(tr);
    }
  }

  async function load() {
    const result = await consoleApi().api('GET', '/api/agent/canned');
    rows = result.canned;
    render();
  }

  async function run(promise, success) {
    error.textContent = '';
    try {
      await promise;
      status.textContent = success;
      consoleApi().announce(success);
      await load();
      return true;
    } catch (failure) {
      error.textContent = failure.message || t('canned.saveFailed');
      return false;
    }
  }

  filterQueue.addEventListener('change', render);
  languageSelect.addEventListener('change', () => {
    textInput.lang = languageSelect.value;
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = idInput.value.trim();
    if (!/^[a-z0-9-]+$/.test(id)) {
      error.textContent = t('canned.badId');
      idInput.focus();
      return;
    }
    if (!titleInput.value.trim() || !textInput.value.trim()) {
      error.textContent = t('canned.empty');
      (titleInput.value.trim() ? textInput : titleInput).focus();
      return;
    }
    await run(
      consoleApi().api('PUT', '/api/agent/canned/' + [queueSelect.value, id, languageSelect.value].map(encodeURIComponent).join('/'), {
        title: titleInput.value.trim(),
        text: textInput.value.trim(),
      }),
      t('canned.saved'),
    );
  });

  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => openButton.focus());

  openButton.addEventListener('click', async () => {
    error.textContent = '';
    status.textContent = '';
    try {
      queues = (await consoleApi().api('GET', '/api/agent/queues')).queues;
      fillQueues();
      await load();
    } catch (failure) {
      error.textContent = failure.message || t('canned.loadFailed');
    }
    dialog.showModal();
  });

  document.addEventListener('console:session', (event) => {
    const role = event.detail.user.role;
    const editor = role === 'supervisor' || role === 'admin';
    // Only editors get the button and the dialog: agents' pages stay as they were.
    if (!editor) {
      openButton.remove();
      dialog.remove();
      return;
    }
    const bar = $('session-bar');
    if (bar && !openButton.isConnected) bar.insertBefore(openButton, $('logout'));
    if (!dialog.isConnected) document.body.append(dialog);
    openButton.hidden = false;
  });
})();
