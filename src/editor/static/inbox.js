/* Editor de contenidos: la bandeja de preguntas sin reconocer (y de respuestas que fallaron).
 * Plain JS, no build step; every server text goes in through textContent. editor.js calls
 * window.EditorInbox.load({ api, flash, list }) when the "Preguntas sin reconocer" view opens. */
/* global document, window */
'use strict';

(function () {
  /** Why a question is here, as an editor reads it (the server's reason codes). */
  const REASONS = {
    'thumbs-down': 'El ciudadano marcó la respuesta como no útil (👎)',
    'followed-person': 'Tras la respuesta, el ciudadano pidió hablar con una persona',
    'followed-no': 'Tras la respuesta, el ciudadano contestó «no»',
    rephrased: 'Tras la respuesta, el ciudadano repitió la pregunta con otras palabras',
    escalated: 'Derivada a una persona por baja confianza',
    none: 'Ninguna intención reconocida',
    'low-confidence': 'Confianza por debajo del umbral de respuesta',
    'low-margin': 'Respondida, pero con poca confianza',
  };
  /** What a group's detail text is, per reason. */
  const DETAILS = {
    'thumbs-down': 'Respuesta marcada como no útil',
    'followed-person': 'Lo que escribió después',
    'followed-no': 'Lo que escribió después',
    rephrased: 'Cómo la volvió a preguntar',
    'low-margin': 'Respuesta dada',
  };
  const LANGUAGE_NAMES = { es: 'español', ca: 'catalán', gl: 'gallego', eu: 'euskera', en: 'inglés' };
  const number = new Intl.NumberFormat(document.documentElement.lang || 'es', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  /** "1 vez", "3 veces". */
  function times(count) {
    return `${count} ${count === 1 ? 'vez' : 'veces'}`;
  }

  function reasonList(group) {
    const list = el('ul', null, { class: 'reasons', 'aria-label': 'Motivos' });
    const ordered = Object.entries(group.reasons).sort((a, b) => b[1] - a[1]);
    for (const [reason, count] of ordered) {
      const item = el('li', `${REASONS[reason] || reason}: ${times(count)}`, { class: `reason reason-${reason}` });
      list.append(item);
    }
    return list;
  }

  function answeredLine(group) {
    const intents = Object.entries(group.answeredWith || {});
    if (intents.length === 0) return null;
    const names = intents.map(([intent, count]) => (intents.length > 1 ? `${intent} (${times(count)})` : intent)).join(', ');
    const score = group.topScore === null || group.topScore === undefined ? '' : ` con confianza de hasta ${number.format(group.topScore)}`;
    return el('p', `La respuesta dada fue la de ${names}${score}.`, { class: 'answered' });
  }

  function detailList(group) {
    if (!group.details || group.details.length === 0) return null;
    const list = el('ul', null, { class: 'details', 'aria-label': 'Contexto' });
    for (const detail of group.details) {
      const item = el('li');
      item.append(el('span', `${DETAILS[detail.reason] || 'Contexto'}: `, { class: 'hint' }), el('q', detail.text));
      list.append(item);
    }
    return list;
  }

  function card(group, intents, deps) {
    const item = el('li', null, { 'data-group': group.id });
    const headingId = `inbox-q-${group.id}`;
    item.append(el('h3', group.text, { id: headingId, class: 'question' }));
    const language = LANGUAGE_NAMES[group.language] || 'idioma desconocido';
    item.append(el('p', `${times(group.count)} · ${language}`, { class: 'hint' }));
    item.append(reasonList(group));
    const answered = answeredLine(group);
    if (answered) item.append(answered);
    const details = detailList(group);
    if (details) item.append(details);
    if (group.examples.length > 1) {
      const more = el('details');
      more.append(el('summary', 'Otras formas en que se preguntó'));
      const list = el('ul');
      for (const example of group.examples.slice(1)) list.append(el('li', example));
      more.append(list);
      item.append(more);
    }

    const form = el('div', null, { class: 'assign', role: 'group', 'aria-labelledby': headingId });
    const selectId = `assign-${group.id}`;
    const label = el('label', 'Añadir como frase de la intención', { for: selectId });
    const select = el('select', null, { id: selectId, required: 'required' });
    // Never preselect a target (above all not "None"): the editor must choose.
    const placeholder = el('option', '— Elige una intención —', { value: '' });
    placeholder.selected = true;
    select.append(placeholder);
    for (const intent of intents) select.append(el('option', intent.title && intent.title !== intent.id ? `${intent.id} — ${intent.title}` : intent.id, { value: intent.id }));
    const assign = el('button', 'Añadir a la intención', { type: 'button' });
    assign.addEventListener('click', async () => {
      if (select.value === '') {
        select.setAttribute('aria-invalid', 'true');
        deps.flash('Elige la intención a la que añadir estas preguntas.');
        select.focus();
        return;
      }
      select.removeAttribute('aria-invalid');
      try {
        const result = await deps.api('POST', `/api/editor/unrecognized/${encodeURIComponent(group.id)}/assign`, { intentId: select.value });
        deps.flash(`Añadidas ${result.added} frases a ${result.intentId} en el borrador.`);
        await load(deps);
      } catch (error) {
        deps.flash(error.message);
      }
    });
    const dismiss = el('button', 'Descartar', { type: 'button', class: 'secondary' });
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
      list.append(el('li', 'No hay preguntas pendientes.'));
      return;
    }
    const intents = intentData.intents.filter((intent) => intent.id !== 'None');
    for (const group of data.groups) list.append(card(group, intents, deps));
  }

  window.EditorInbox = { load, times };
})();
