/* Offers in the agent console: the chats the hub offers this agent, each with «Aceptar» and
 * «Rechazar» and a countdown, and the confirmations a transfer may need (the chat would come back
 * to oneself; the colleague is at capacity). Kept out of console.js on purpose: it talks to it
 * only through `window.ventanillaConsole` and the `ventanilla:*` document events. Text is set with
 * textContent only. */
/* global document, window, setInterval, clearInterval, performance */
(function () {
  'use strict';

  // Texts from the page's catalogue (ui-texts.js, config/i18n/console).
  const T = window.ventanillaTexts;
  const t = T.t;
  const PRIORITY = { urgent: t('priority.urgent'), vulnerable: t('priority.vulnerable'), normal: '' };
  const OFFER_EVENTS = ['offered', 'offer_declined', 'offer_expired', 'offer_withdrawn', 'assigned'];
  const state = { user: null, offers: [], loadedAt: 0, timer: null, loading: false, again: false };

  const bridge = () => window.ventanillaConsole;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** The section, created once at the top of the conversation lists. */
  function section() {
    let box = document.getElementById('offers');
    if (box) return box;
    const lists = document.querySelector('nav.lists');
    if (!lists) return null;
    box = el('section', 'offers');
    box.id = 'offers';
    box.setAttribute('aria-labelledby', 'offers-title');
    const title = el('h2', null, t('offers.title'));
    title.id = 'offers-title';
    const list = el('ul', 'offer-list');
    list.id = 'offers-list';
    box.append(title, list);
    box.hidden = true;
    lists.prepend(box);
    return box;
  }

  // Seconds left by the hub's clock at load time, counted down with the browser's monotonic clock.
  function secondsLeft(offer) {
    return Math.max(0, offer.secondsLeft - Math.floor((performance.now() - state.loadedAt) / 1000));
  }

  function render() {
    const box = section();
    if (!box) return;
    const list = document.getElementById('offers-list');
    list.replaceChildren();
    box.hidden = state.offers.length === 0;
    for (const offer of state.offers) {
      const item = el('li', 'offer' + (offer.priority === 'urgent' ? ' urgent' : ''));
      item.dataset.conversationId = offer.conversationId;
      const parts = [offer.queueName];
      if (offer.language) parts.push(t('meta.language', { language: T.language(offer.language) }));
      if (PRIORITY[offer.priority]) parts.push(PRIORITY[offer.priority]);
      item.append(el('span', 'offer-what', parts.join(' · ')));
      const countdown = el('span', 'offer-countdown');
      countdown.dataset.countdown = '';
      item.append(countdown);
      const actions = el('div', 'offer-actions');
      const accept = el('button', null, t('offers.accept'));
      accept.type = 'button';
      accept.setAttribute('aria-label', t('offers.acceptLabel', { what: parts.join(', ') }));
      accept.addEventListener('click', () => answer(offer, 'accept'));
      const decline = el('button', 'secondary', t('offers.decline'));
      decline.type = 'button';
      decline.setAttribute('aria-label', t('offers.declineLabel', { what: parts.join(', ') }));
      decline.addEventListener('click', () => answer(offer, 'decline'));
      actions.append(accept, decline);
      item.append(actions);
      list.append(item);
    }
    tick();
  }

  function tick() {
    for (const node of document.querySelectorAll('#offers-list li')) {
      const offer = state.offers.find((o) => o.conversationId === node.dataset.conversationId);
      const countdown = node.querySelector('[data-countdown]');
      if (!offer || !countdown) continue;
      const left = secondsLeft(offer);
      countdown.textContent = left > 0 ? t('offers.countdown', { s: left }) : t('offers.expired');
    }
  }

  async function load() {
    if (!state.user || !bridge()) return;
    // Bursts of events become one request at a time.
    if (state.loading) {
      state.again = true;
      return;
    }
    state.loading = true;
    try {
      const before = new Set(state.offers.map((o) => o.conversationId));
      const data = await bridge().api('GET', '/api/agent/offers');
      state.offers = data.offers;
      state.loadedAt = performance.now();
      render();
      const fresh = state.offers.filter((o) => !before.has(o.conversationId));
      if (fresh.length > 0) bridge().announce(t('offers.announce', { queue: fresh[0].queueName, s: fresh[0].secondsLeft }));
    } catch {
      /* the console shows session problems itself */
    } finally {
      state.loading = false;
      if (state.again) {
        state.again = false;
        load();
      }
    }
  }

  async function answer(offer, how) {
    const ui = bridge();
    try {
      await ui.api('POST', '/api/agent/conversations/' + encodeURIComponent(offer.conversationId) + '/' + how);
      state.offers = state.offers.filter((o) => o.conversationId !== offer.conversationId);
      render();
      ui.announce(how === 'accept' ? t('offers.accepted') : t('offers.declined'));
      await ui.refresh();
      if (how === 'accept') await ui.select(offer.conversationId);
    } catch (error) {
      ui.announce(error.reason === 'not-offered' ? t('explain.409.not-offered') : t('explain.other'));
      await load();
    }
  }

  /**
   * A transfer answered 409 with a reason the person may knowingly override: asks, and returns
   * the body to send again (or undefined to give up).
   */
  function confirmTransfer(error, body) {
    if (error.status !== 409) return undefined;
    if (error.reason === 'only-you' && body.queue && !body.confirmSelf) {
      const ok = window.confirm(t('offers.confirmSelf'));
      return ok ? Object.assign({}, body, { confirmSelf: true }) : undefined;
    }
    const user = state.user;
    if (error.reason === 'full' && body.agent && !body.overrideCapacity && user && (user.role === 'supervisor' || user.role === 'admin')) {
      const ok = window.confirm(t('offers.confirmFull'));
      return ok ? Object.assign({}, body, { overrideCapacity: true }) : undefined;
    }
    return undefined;
  }

  function onSession(user) {
    state.user = user;
    state.offers = [];
    render();
    if (state.timer) clearInterval(state.timer);
    state.timer = state.user ? setInterval(tick, 1000) : null;
    if (state.user) load();
  }

  document.addEventListener('ventanilla:session', (event) => onSession(event.detail));

  /** Shows an offer straight from its event (no round trip); the reload that follows reconciles. */
  function showOffered(e) {
    if (state.offers.some((o) => o.conversationId === e.conversationId)) return;
    const queues = bridge() && bridge().queues ? bridge().queues() : [];
    const queue = queues.find((q) => q.id === e.queueId);
    const offer = {
      conversationId: e.conversationId,
      ticketId: e.ticketId,
      queueId: e.queueId,
      queueName: queue ? queue.name : e.queueId,
      priority: e.data.priority || 'normal',
      language: e.data.language || null,
      expiresAt: e.data.expiresAt,
      secondsLeft: e.data.seconds,
    };
    // Every countdown restarts from now: carry the others' remaining seconds over.
    for (const o of state.offers) o.secondsLeft = secondsLeft(o);
    state.offers = state.offers.concat([offer]);
    state.loadedAt = performance.now();
    render();
    bridge().announce(t('offers.announce', { queue: offer.queueName, s: offer.secondsLeft }));
  }

  document.addEventListener('ventanilla:handoff', (event) => {
    const e = event.detail;
    if (!state.user || !e || !OFFER_EVENTS.includes(e.type) || e.agentId !== state.user.id) return;
    if (e.type === 'offered' && e.conversationId && e.data && typeof e.data.seconds === 'number') showOffered(e);
    load();
  });

  window.VentanillaOffers = { confirmTransfer, reload: load };
  // console.js may have entered before this file ran.
  if (bridge() && bridge().user()) onSession(bridge().user());
})();
