/* Editor de contenidos: la bandeja de preguntas sin reconocer (y de respuestas que fallaron).
 * Plain JS, no build step; every server text goes in through textContent. editor.js calls
 * window.EditorInbox.load({ api, flash, list }) when the "Preguntas sin reconocer" view opens. */
/* global document, window */
'use strict';

(function () {
  // Texts from the page's catalogue (ui-texts.js, config/i18n/console): why a question is here
  // (`inbox.reason.<the server's reason code>`) and what a group's detail text is, per reason.
  const T = window.ventanillaTexts;
  const t = T.t;
  const number = new Intl.NumberFormat(T.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  /** "1 vez", "3 veces". */
  function times(count) {
    return T.n('inbox.times', count);
  }

  function reasonList(group) {
    const list = el('ul', null, { class: 'reasons', 'aria-label': t('inbox.reasons') });
    const ordered = Object.entries(group.reasons).sort((a, b) => b[1] - a[1]);
    for (const [reason, count] of ordered) {
      const item = el('li', `${T.has(`inbox.reason.${reason}`) ? t(`inbox.reason.${reason}`) : reason}: ${times(count)}`, { class: `reason reason-${reason}` });
      list.append(item);
    }
    return list;
  }

  function answeredLine(group) {
    const intents = Object.entries(group.answeredWith || {});
    if (intents.length === 0) return null;
    const names = intents.map(([intent, count]) => (intents.length > 1 ? `${intent} (${times(count)})` : intent)).join(', ');
    const scored = group.topScore !== null && group.topScore !== undefined;
    return el('p', scored ? t('inbox.answeredScore', { names, score: number.format(group.topScore) }) : t('inbox.answered', { names }), { class: 'answered' });
  }

  function detailList(group) {
    if (!group.details || group.details.length === 0) return null;
    const list = el('ul', null, { class: 'details', 'aria-label': t('inbox.context') });
    for (const detail of group.details) {
      const item = el('li');
      item.append(el('span', `${T.has(`inbox.detail.${detail.reason}`) ? t(`inbox.detail.${detail.reason}`) : t('inbox.context')}: `, { class: 'hint' }), el('q', detail.text));
      list.append(item);
    }
    return list;
  }

  function card(group, intents, deps) {
    const item = el('li', null, { 'data-group': group.id });
    const headingId = `inbox-q-${group.id}`;
    item.append(el('h3', group.text, { id: headingId, class: 'question' }));
    const language = group.language && T.has(`language.${group.language}`) ? T.language(group.language) : t('inbox.unknownLanguage');
    item.append(el('p', `${times(group.count)} · ${language}`, { class: 'hint' }));
    item.append(reasonList(group));
    const answered = answeredLine(group);
    if (answered) item.append(answered);
    const details = detailList(group);
    if (details) item.append(details);
    if (group.examples.length > 1) {
      const more = el('details');
      more.append(el('summary', t('inbox.otherForms')));
      const list = el('ul');
      for (const example of group.examples.slice(1)) list.append(el('li', example));
      more.append(list);
      item.append(more);
    }

    const form = el('div', null, { class: 'assign', role: 'group', 'aria-labelledby': headingId });
    const selectId = `assign-${group.id}`;
    const label = el('label', t('inbox.addAs'), { for: selectId });
    const select = el('select', null, { id: selectId, required: 'required' });
    // Never preselect a target (above all not "None"): the editor must choose.
    const placeholder = el('option', t('inbox.pick'), { value: '' });
    placeholder.selected = true;
    select.append(placeholder);
    for (const intent of intents) select.append(el('option', intent.title && intent.title !== intent.id ? `${intent.id} — ${intent.title}` : intent.id, { value: intent.id }));
    const assign = el('button', t('inbox.add'), { type: 'button' });
    assign.addEventListener('click', async () => {
      if (select.value === '') {
        select.setAttribute('aria-invalid', 'true');
        deps.flash(t('inbox.pickFirst'));
        select.focus();
        return;
      }
      select.removeAttribute('aria-invalid');
      try {
        const result = await deps.api('POST', `/api/editor/unrecognized/${encodeURIComponent(group.id)}/assign`, { intentId: select.value });
        deps.flash(T.n('inbox.added', result.added, { intent: result.intentId }));
        await load(deps);
      } catch (error) {
        deps.flash(error.message);
      }
    });
    const dismiss = el('button', t('inbox.dismiss'), { type: 'button', class: 'secondary' });
    dismiss.addEventListener('click', async () => {
      try {
        await deps.api('POST', `/api/editor/unrecognized/${encodeURIComponent(group.id)}/dismiss`);
        await load(deps);
      } catch (error) {
        deps.flash(error.message);
      }
    });
    form.append(label, select, assign, dismiss);
    item.append(form);
    return item;
  }

  /** Renders the open groups into deps.list. */
  async function load(deps) {
    const [data, intentData] = await Promise.all([deps.api('GET', '/api/editor/unrecognized'), deps.api('GET', '/api/editor/intents')]);
    const list = deps.list;
    list.replaceChildren();
    if (data.groups.length === 0) {
      list.append(el('li', t('inbox.empty')));
      return;
    }
    const intents = intentData.intents.filter((intent) => intent.id !== 'None');
    for (const group of data.groups) list.append(card(group, intents, deps));
  }

  window.EditorInbox = { load, times };
})();
