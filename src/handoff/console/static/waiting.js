/* Agent console part: who waits and why. Each queued item shows the language, the first words of
 * the citizen's message, the reason, a wait that ticks every second (counted from the hub's figure
 * plus the time since it was read, so a wrong browser clock does not matter), and urgent or
 * overdue items highlighted. Supervisors also get a banner listing the chats past their queue's
 * maximum wait (fed by the list and by the hub's `max-wait` events) and the waiting count per
 * queue. Plain JavaScript, no build step; text goes in with textContent only.
 * Registers itself in window.VentanillaConsole (console.js calls its hooks). */
/* global document, window, setInterval, performance */
(function () {
  'use strict';

  // Texts from the page's catalogue (ui-texts.js, config/i18n/console).
  const T = window.ventanillaTexts;
  const t = T.t;
  let ctx = null;
  let queued = [];
  // Conversations the hub announced as past their maximum wait (until they leave the queue).
  const announced = new Set();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const supervising = () => ctx && ctx.state.user && (ctx.state.user.role === 'supervisor' || ctx.state.user.role === 'admin');

  /** "45 s", "3 min 05 s", "1 h 02 min". */
  function formatWait(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return t('wait.seconds', { s });
    if (s < 3600) return t('wait.minutes', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
    return t('wait.hours', { h: Math.floor(s / 3600), m: String(Math.floor((s % 3600) / 60)).padStart(2, '0') });
  }

  const readAt = new Map(); // conversationId → { seconds, at }: the hub's wait and when we read it
  function liveWait(c) {
    const read = readAt.get(c.conversationId);
    return read ? read.seconds + (performance.now() - read.at) / 1000 : c.waitingSeconds;
  }
  const overWait = (c) => c.overWait || announced.has(c.conversationId) || (c.maxWaitSeconds !== null && liveWait(c) >= c.maxWaitSeconds);

  function describeMax(c) {
    if (c.maxWaitSeconds === null) return '';
    return c.maxWaitSeconds < 60 ? t('wait.maxSeconds', { s: c.maxWaitSeconds }) : t('wait.maxMinutes', { m: Math.round(c.maxWaitSeconds / 60) });
  }

  /** Adds the waiting details to a queued item's button (console.js built the name and badges). */
  function item(button, c) {
    if (c.priority === 'urgent') button.classList.add('urgent');
    if (c.status !== 'queued') return;
    const facts = [];
    if (c.language) facts.push(T.language(c.language));
    facts.push(c.reasonLabel);
    button.append(el('span', 'sub why', facts.join(' · ')));
    if (c.firstWords) button.append(el('span', 'sub words', '«' + c.firstWords + '»'));
    const wait = el('span', 'sub wait');
    wait.dataset.conversationId = c.conversationId;
    button.append(wait);
    paintWait(wait, c, button);
  }

  function paintWait(node, c, button) {
    const over = overWait(c);
    node.textContent = over ? t('wait.over', { wait: formatWait(liveWait(c)), max: describeMax(c) }) : t('wait.waiting', { wait: formatWait(liveWait(c)) });
    button.classList.toggle('over-wait', over);
  }

  function tick() {
    if (!ctx) return;
    const byId = new Map(queued.map((c) => [c.conversationId, c]));
    let overdueChanged = false;
    for (const node of document.querySelectorAll('.conversation-list .wait[data-conversation-id]')) {
      const c = byId.get(node.dataset.conversationId);
      if (!c) continue;
      const button = node.closest('button');
      const was = button.classList.contains('over-wait');
      paintWait(node, c, button);
      if (was !== button.classList.contains('over-wait')) overdueChanged = true;
    }
    if (overdueChanged) renderBanner();
  }

  function banner() {
    let node = document.getElementById('wait-alert');
    if (node) return node;
    node = el('section', 'wait-alert');
    node.id = 'wait-alert';
    node.setAttribute('role', 'alert');
    node.setAttribute('aria-label', t('wait.bannerLabel'));
    node.hidden = true;
    const view = document.getElementById('console-view');
    view.parentNode.insertBefore(node, view);
    return node;
  }

  function overview() {
    let node = document.getElementById('queue-overview');
    if (node) return node;
    node = el('p', 'queue-overview');
    node.id = 'queue-overview';
    const view = document.getElementById('console-view');
    view.parentNode.insertBefore(node, view);
    return node;
  }

  // The banner is an alert: rewritten only when who is late changes, or screen readers would
  // repeat it on every refresh (the ticking waits live in the list, not here).
  let bannerKey = '';
  function renderBanner() {
    const node = banner();
    if (!supervising()) {
      node.hidden = true;
      bannerKey = '';
      return;
    }
    const late = queued.filter(overWait);
    const key = late.map((c) => c.conversationId).join(' ');
    if (key === bannerKey) return;
    bannerKey = key;
    node.replaceChildren();
    if (late.length === 0) {
      node.hidden = true;
      return;
    }
    node.append(el('strong', null, T.n('wait.late', late.length)));
    const list = el('ul');
    for (const c of late) {
      const entry = el('li');
      const go = el('button', 'link', c.citizenLabel + ' · ' + c.queueName + (describeMax(c) ? ' (' + describeMax(c) + ')' : '') + (c.firstWords ? ': «' + c.firstWords + '»' : ''));
      go.type = 'button';
      go.addEventListener('click', () => ctx.select(c.conversationId));
      entry.append(go);
      list.append(entry);
    }
    node.append(list);
    node.hidden = false;
  }

  function renderOverview() {
    const node = overview();
    node.hidden = !supervising();
    if (node.hidden) return;
    const counts = new Map();
    for (const c of queued) counts.set(c.queueId, (counts.get(c.queueId) || 0) + 1);
    const parts = ctx.state.queues.map((q) => q.name + ' ' + (counts.get(q.id) || 0));
    node.textContent = t('wait.perQueue', { queues: parts.join(' · ') });
  }

  (window.VentanillaConsole = window.VentanillaConsole || []).push({
    enter(context) {
      ctx = context;
    },
    item,
    refreshed(lists) {
      queued = lists.queued;
      const now = performance.now();
      readAt.clear();
      for (const c of queued) readAt.set(c.conversationId, { seconds: c.waitingSeconds, at: now });
      for (const id of [...announced]) if (!readAt.has(id)) announced.delete(id);
      renderBanner();
      renderOverview();
    },
    connected(source) {
      source.addEventListener('max-wait', (message) => {
        const data = JSON.parse(message.data);
        if (data.conversationId) announced.add(data.conversationId);
        ctx.announce(t('wait.lateAnnounce'));
        ctx.refreshLists().catch(() => undefined);
      });
    },
    left() {
      queued = [];
      announced.clear();
      const node = document.getElementById('wait-alert');
      if (node) node.hidden = true;
      bannerKey = '';
      const counts = document.getElementById('queue-overview');
      if (counts) counts.hidden = true;
    },
  });

  setInterval(tick, 1000);
})();
