/* Intent ids for the editor page: the id is made from the title ("Bicicleta pública" →
 * tramites.bicicleta_publica) and checked with words an editor understands, never the browser's
 * bare "Please match the requested format.". Plain script (no build step): it defines
 * `ventanillaSlug` on the page; test/unit/editor/slug.test.ts runs this very file. */
/* global window */
'use strict';

(function (root) {
  // The content schema's limits (src/intents/content/schema.ts, INTENT_ID_PATTERN): domain 1–40, name 1–60.
  const DOMAIN_MAX = 40;
  const NAME_MAX = 60;
  const EXAMPLE = 'tramites.bicicleta_publica';

  /** Lower-case ASCII letters, digits and _: accents dropped, ñ → n, anything else a single _. */
  function slugify(text, max) {
    const limit = max || NAME_MAX;
    const slug = String(text || '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/·/g, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    return slug.slice(0, limit).replace(/_+$/, '');
  }

  /** A domain: like a name, but it must start with a letter. */
  function domainSlug(text) {
    return slugify(text, DOMAIN_MAX).replace(/^[^a-z]+/, '');
  }

  /** `domain.name` from a domain and a title; '' while either is missing. */
  function intentId(domain, title) {
    const d = domainSlug(domain);
    const name = slugify(title);
    return d && name ? `${d}.${name}` : '';
  }

  /**
   * What is wrong with `id`, in Spanish, with the fix; '' when it matches `pattern` (the server's
   * INTENT_ID_PATTERN, from GET /api/editor/channels).
   */
  function idProblem(id, pattern) {
    const value = String(id || '');
    // On the page the words come from its catalogue (ui-texts.js); alone (the unit test) in Spanish.
    const texts = root.ventanillaTexts;
    const say = (key, spanish, vars) => (texts && texts.has('slug.' + key) ? texts.t('slug.' + key, vars) : spanish);
    if (new RegExp(pattern).test(value)) return '';
    if (value.trim() === '') return say('empty', `Escribe un identificador con el formato dominio.nombre, p. ej. ${EXAMPLE}.`, { example: EXAMPLE });
    const dot = value.indexOf('.');
    const domain = dot < 0 ? '' : value.slice(0, dot);
    const name = dot < 0 ? value : value.slice(dot + 1);
    const suggestion = intentId(domain || 'tramites', name);
    const tail = suggestion ? ' ' + say('suggest', `Prueba con «${suggestion}».`, { suggestion }) : '';
    if (dot < 0) return say('noDomain', `Falta el dominio: el identificador es dominio.nombre (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (name.includes('.')) return say('dots', `Solo puede haber un punto, entre el dominio y el nombre (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (/\s/.test(value)) return say('spaces', `Sin espacios: usa _ entre palabras (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (/[A-Z]/.test(value)) return say('lowercase', `Solo minúsculas (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (/[^a-z0-9_.]/.test(value)) return say('characters', `Solo letras a-z sin tildes ni ñ, números y _ (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (!/^[a-z]/.test(domain)) return say('domainStart', `El dominio empieza por una letra (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
    if (domain.length > DOMAIN_MAX) return say('domainLength', `El dominio tiene como mucho ${DOMAIN_MAX} caracteres.`, { max: DOMAIN_MAX });
    if (name.length === 0) return say('noName', `Falta el nombre después del punto (p. ej. ${EXAMPLE}).`, { example: EXAMPLE });
    if (name.length > NAME_MAX) return say('nameLength', `El nombre tiene como mucho ${NAME_MAX} caracteres.`, { max: NAME_MAX }) + tail;
    return say('format', `El formato es dominio.nombre: minúsculas sin tildes, números y _ (p. ej. ${EXAMPLE}).`, { example: EXAMPLE }) + tail;
  }

  root.ventanillaSlug = { slugify, domainSlug, intentId, idProblem, EXAMPLE };
})(typeof window !== 'undefined' ? window : globalThis);
