/* Agent console part: while the agent types a reply, the hub is told at most every few seconds
 * (POST …/typing), and the citizen's chat shows "<nombre> está escribiendo…" until the signals
 * stop. Only for a conversation the agent holds (the reply box is shown only then). Plain
 * JavaScript, no build step. Registers itself in window.VentanillaConsole. */
/* global document, window */
(function () {
  'use strict';

  const EVERY_MS = 2500;
  let ctx = null;
  let last = { conversationId: null, at: 0 };

  function onInput() {
    if (!ctx || !ctx.state.selected) return;
    if (document.getElementById('reply-form').hidden || document.getElementById('reply').value.trim() === '') return;
    const id = ctx.state.selected;
    const now = Date.now();
    if (last.conversationId === id && now - last.at < EVERY_MS) return;
    last = { conversationId: id, at: now };
    // A courtesy: a failure (the chat just closed, a blip) must not disturb the agent.
    ctx.api('POST', '/api/agent/conversations/' + encodeURIComponent(id) + '/typing').catch(() => undefined);
  }

  let listening = false;
  (window.VentanillaConsole = window.VentanillaConsole || []).push({
    enter(context) {
      ctx = context;
      if (listening) return;
      listening = true;
      document.getElementById('reply').addEventListener('input', onInput);
    },
  });
})();
