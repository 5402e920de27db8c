/* Agent console part: presence on login. The hub remembers the presence the agent last chose
 * (GET /api/agent/presence); when the console opens with the agent "Desconectado" it asks whether
 * to become available again instead of starting silent, and while the agent stays disconnected a
 * hint next to the selector says that no conversations arrive. Plain JavaScript, no build step.
 * Registers itself in window.VentanillaConsole (console.js calls its hooks). */
/* global document, window, Event */
(function () {
  'use strict';

  // Texts from the page's catalogue (ui-texts.js, config/i18n/console).
  const t = window.ventanillaTexts.t;
  const presenceName = (presence) => t('presence.' + presence);
  let ctx = null;
  let listening = false;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function hint() {
    let node = document.getElementById('presence-hint');
    if (node) return node;
    node = el('span', 'presence-hint', t('presence.hint'));
    node.id = 'presence-hint';
    const select = document.getElementById('presence');
    select.parentNode.insertBefore(node, select.nextSibling);
    return node;
  }

  function showHint() {
    hint().hidden = document.getElementById('presence').value !== 'offline';
  }

  function closePrompt() {
    const prompt = document.getElementById('presence-prompt');
    if (prompt) prompt.remove();
  }

  /** Sets presence through the selector, so console.js saves, announces and refreshes as usual. */
  function choose(presence) {
    closePrompt();
    const select = document.getElementById('presence');
    select.value = presence;
    select.dispatchEvent(new Event('change'));
  }

  function ask(memory) {
    closePrompt();
    const prompt = el('section', 'presence-prompt');
    prompt.id = 'presence-prompt';
    prompt.setAttribute('role', 'alertdialog');
    prompt.setAttribute('aria-labelledby', 'presence-prompt-title');
    prompt.setAttribute('aria-describedby', 'presence-prompt-text');
    const title = el('h2', null, t('presence.promptTitle'));
    title.id = 'presence-prompt-title';
    const last = memory.lastChosen && memory.lastChosen !== 'offline' ? t('presence.lastChosen', { presence: presenceName(memory.lastChosen) }) + ' ' : '';
    const text = el('p', null, t('presence.promptText', { last }));
    text.id = 'presence-prompt-text';
    const actions = el('div', 'actions');
    const yes = el('button', null, t('presence.yes'));
    yes.type = 'button';
    yes.addEventListener('click', () => choose('available'));
    actions.append(yes);
    if (memory.lastChosen === 'away') {
      const away = el('button', 'secondary', t('presence.backAway'));
      away.type = 'button';
      away.addEventListener('click', () => choose('away'));
      actions.append(away);
    }
    const no = el('button', 'secondary', t('presence.stay'));
    no.type = 'button';
    no.addEventListener('click', () => {
      closePrompt();
      ctx.announce(t('presence.stayed'));
      document.getElementById('presence').focus();
    });
    actions.append(no);
    prompt.append(title, text, actions);
    const view = document.getElementById('console-view');
    view.parentNode.insertBefore(prompt, view);
    yes.focus();
  }

  (window.VentanillaConsole = window.VentanillaConsole || []).push({
    async enter(context) {
      ctx = context;
      if (!listening) document.getElementById('presence').addEventListener('change', showHint);
      listening = true;
      showHint();
      let memory;
      try {
        memory = await ctx.api('GET', '/api/agent/presence');
      } catch {
        memory = { presence: ctx.state.user.presence, lastChosen: null };
      }
      if (memory.presence === 'offline') ask(memory);
    },
    left() {
      closePrompt();
      const node = document.getElementById('presence-hint');
      if (node) node.hidden = true;
    },
  });
})();
