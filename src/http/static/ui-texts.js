/* The staff pages' run-time texts (agent console, editor): what their scripts write after the page
 * loaded (status lines, alerts, confirmations, waits) comes from the same catalogue as the page
 * (config/i18n/console/<language>.yaml), which the hub serialises into the page as
 * <script type="application/json" id="ui-texts"> in the language it served (a key the language
 * lacks is already the Spanish text there). A data block, not a script: the pages' CSP allows no
 * inline script. Plain JavaScript, no build step; loaded before every other script of the page.
 * Defines window.ventanillaTexts. */
/* global document, window */
(function () {
  'use strict';

  let texts = {};
  try {
    const block = document.getElementById('ui-texts');
    if (block) texts = JSON.parse(block.textContent || '{}');
  } catch {
    texts = {};
  }
  const lang = document.documentElement.lang || 'es';
  const missing = new Set();

  function fill(text, vars) {
    if (!vars) return text;
    // Only the names given are replaced: a canned response's own {nombre} in a help text stays.
    return text.replace(/\{([a-zA-Z]+)\}/g, (whole, name) => (Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole));
  }

  /** The text of `key` with its {names} filled from `vars`; the key itself (warned once) if the page has none. */
  function t(key, vars) {
    const text = texts[key];
    if (typeof text === 'string') return fill(text, vars);
    if (!missing.has(key)) {
      missing.add(key);
      if (window.console) window.console.warn('ventanilla: no text for "' + key + '" in the page catalogue');
    }
    return key;
  }

  const plurals = typeof Intl !== 'undefined' && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  /** `key.one` / `key.other` (…by the language's plural rule) with {count} = `count` formatted. */
  function n(key, count, vars) {
    const category = plurals ? plurals.select(count) : count === 1 ? 'one' : 'other';
    const chosen = typeof texts[key + '.' + category] === 'string' ? key + '.' + category : key + '.other';
    return t(chosen, Object.assign({ count: number(count) }, vars || {}));
  }

  function number(value, options) {
    return new Intl.NumberFormat(lang, options).format(value);
  }

  /** A language code's name in the page's language ("eu" → "euskera"); the code when unknown. */
  function language(code) {
    const text = texts['language.' + code];
    return typeof text === 'string' ? text : String(code);
  }

  window.ventanillaTexts = { lang, t, n, number, language, has: (key) => typeof texts[key] === 'string' };
})();
