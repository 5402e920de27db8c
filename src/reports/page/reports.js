/* global document, window, fetch, URLSearchParams, EventSource, setInterval */
// Supervisor dashboard: wallboard (live) and period reports with Chart.js and table alternatives.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const pct = new Intl.NumberFormat('es-ES', { style: 'percent', maximumFractionDigits: 1 });
  const num = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 1 });
  const fmtPct = (v) => (v === null || v === undefined ? '—' : pct.format(v));
  const fmtNum = (v) => (v === null || v === undefined ? '—' : num.format(v));
  const fmtSecs = (v) => {
    if (v === null || v === undefined) return '—';
    if (v < 120) return `${num.format(v)} s`;
    if (v < 7200) return `${num.format(v / 60)} min`;
    return `${num.format(v / 3600)} h`;
  };
  const SLICE_LABEL = { queue: 'Cola', channel: 'Canal', language: 'Idioma', intent: 'Intención', agent: 'Agente' };
  const charts = {};

  async function api(path, options = {}) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json', ...(options.headers || {}) }, ...options });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || `error ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function kpi(label, value, cls) {
    const box = document.createElement('div');
    box.className = 'kpi';
    const l = document.createElement('span');
    l.className = 'label';
    l.textContent = label;
    const v = document.createElement('span');
    v.className = `value${cls ? ` ${cls}` : ''}`;
    v.textContent = value;
    box.append(l, v);
    return box;
  }

  function fillTable(table, headers, rows) {
    const thead = table.querySelector('thead');
    if (headers !== null) {
      thead.replaceChildren();
      const tr = document.createElement('tr');
      for (const h of headers) {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = h;
        tr.append(th);
      }
      thead.append(tr);
    }
    const tbody = table.querySelector('tbody');
    tbody.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement('tr');
      row.forEach((cell, index) => {
        const td = document.createElement(index === 0 ? 'th' : 'td');
        if (index === 0) td.scope = 'row';
        td.textContent = cell;
        tr.append(td);
      });
      tbody.append(tr);
    }
  }

  // ── wallboard ──
  async function refreshWallboard() {
    const wall = await api('/api/reports/wallboard');
    $('wall-time').textContent = `(${new Date(wall.at).toLocaleTimeString('es-ES')})`;
    const waiting = wall.queues.reduce((sum, q) => sum + q.waiting, 0);
    const longest = wall.queues.reduce((max, q) => (q.longestWaitSeconds !== null && q.longestWaitSeconds > max ? q.longestWaitSeconds : max), 0);
    const sl = wall.serviceLevelToday;
    $('wall-kpis').replaceChildren(
      kpi('En espera ahora', fmtNum(waiting)),
      kpi('Espera más larga', waiting > 0 ? fmtSecs(longest) : '—'),
      kpi('Agentes conectados', fmtNum(wall.agents.online)),
      kpi('Agentes ocupados', fmtNum(wall.agents.busy)),
      kpi(`Nivel de servicio hoy (objetivo ${fmtPct(wall.serviceLevelTarget)})`, fmtPct(sl), sl === null ? '' : sl >= wall.serviceLevelTarget ? 'ok' : 'bad'),
      kpi('Derivaciones hoy', fmtNum(wall.handoffsToday)),
    );
    $('wall-kpis').dataset.waiting = String(waiting);
    fillTable($('wall-queues'), null, wall.queues.map((q) => [q.name, fmtNum(q.waiting), q.waiting > 0 ? fmtSecs(q.longestWaitSeconds) : '—', fmtPct(q.serviceLevelToday), fmtPct(q.serviceLevelTarget)]));
  }

  // ── period report ──
  function query() {
    const params = new URLSearchParams({ from: $('from').value, to: $('to').value, period: $('period').value });
    if ($('by').value !== '') params.set('by', $('by').value);
    return params;
  }

  function setExports() {
    const q = query();
    const link = (extra) => `/api/reports/export?${new URLSearchParams({ ...Object.fromEntries(q), ...extra })}`;
    $('export-csv').href = link({ format: 'csv', separator: 'semicolon' });
    $('export-csv-comma').href = link({ format: 'csv', separator: 'comma' });
    $('export-json').href = link({ format: 'json' });
  }

  function drawChart(id, config) {
    if (typeof window.Chart === 'undefined') return;
    charts[id]?.destroy();
    charts[id] = new window.Chart($(id), { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  }

  function groupLabel(key, by) {
    const parts = by.map((name) => key[name] || '(sin dato)');
    return parts.length === 0 ? 'Total' : parts.join(' · ');
  }

  async function refreshReport() {
    $('report-error').textContent = '';
    setExports();
    let report;
    try {
      report = await api(`/api/reports/indicators?${query()}`);
    } catch (error) {
      $('report-error').textContent = `No se pudo calcular el informe: ${error.message}`;
      return;
    }
    const t = report.total;
    $('kpis').replaceChildren(
      kpi('Conversaciones', fmtNum(t.conversations)),
      kpi('Contención del bot', fmtPct(t.containmentRate)),
      kpi('Derivaciones', `${fmtNum(t.handoffs)} (${fmtPct(t.handoffRate)})`),
      kpi('No reconocidos', fmtPct(t.unrecognisedRate)),
      kpi(`Nivel de servicio (objetivo ${fmtPct(t.serviceLevelTarget)})`, fmtPct(t.serviceLevel), t.serviceLevel === null ? '' : t.serviceLevel >= t.serviceLevelTarget ? 'ok' : 'bad'),
      kpi('Espera media', fmtSecs(t.averageSpeedOfAnswerSeconds)),
      kpi('Espera p90 (≤)', fmtSecs(t.p90SpeedOfAnswerSeconds)),
      kpi('Espera máxima', fmtSecs(t.longestWaitSeconds)),
      kpi('Abandono', fmtPct(t.abandonmentRate)),
      kpi('Tiempo medio de gestión', fmtSecs(t.averageHandlingTimeSeconds)),
      kpi('Resolución en el primer contacto', fmtPct(t.firstContactResolution)),
      kpi('CSAT (4–5)', fmtPct(t.csat)),
      kpi('Satisfacción media', t.satisfactionAverage === null ? '—' : `${num.format(t.satisfactionAverage)} / 5`),
      kpi('Emergencias 112 / 016 / 024', `${t.emergencies['112']} / ${t.emergencies['016']} / ${t.emergencies['024']}`),
    );

    const labels = report.series.map((p) => p.period);
    drawChart('series-chart', {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Conversaciones', data: report.series.map((p) => p.indicators.conversations), borderColor: '#0b5cad', backgroundColor: '#0b5cad' },
          { label: 'Derivaciones', data: report.series.map((p) => p.indicators.handoffs), borderColor: '#b35c00', backgroundColor: '#b35c00', borderDash: [6, 3] },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    fillTable($('series-table'), ['Periodo', 'Conversaciones', 'Derivaciones', 'Nivel de servicio', 'Abandono', 'Espera media'],
      report.series.map((p) => [p.period, fmtNum(p.indicators.conversations), fmtNum(p.indicators.handoffs), fmtPct(p.indicators.serviceLevel), fmtPct(p.indicators.abandonmentRate), fmtSecs(p.indicators.averageSpeedOfAnswerSeconds)]));

    const groups = report.groups.length > 0 ? report.groups : [{ key: {}, indicators: t }];
    const groupLabels = groups.map((g) => groupLabel(g.key, report.by));
    drawChart('groups-chart', {
      type: 'bar',
      data: {
        labels: groupLabels,
        datasets: [
          { label: 'Nivel de servicio (%)', data: groups.map((g) => (g.indicators.serviceLevel === null ? null : Math.round(g.indicators.serviceLevel * 1000) / 10)), backgroundColor: '#1f6f3f' },
          { label: 'Abandono (%)', data: groups.map((g) => (g.indicators.abandonmentRate === null ? null : Math.round(g.indicators.abandonmentRate * 1000) / 10)), backgroundColor: '#a32020' },
        ],
      },
      options: { scales: { y: { beginAtZero: true, max: 100 } } },
    });
    const sliceHeader = report.by.length === 0 ? 'Total' : report.by.map((name) => SLICE_LABEL[name] || name).join(' · ');
    fillTable($('groups-table'), [sliceHeader, 'Conversaciones', 'Derivaciones', 'Nivel de servicio', 'Objetivo', 'Abandono', 'Espera media', 'FCR', 'CSAT'],
      groups.map((g, i) => [groupLabels[i], fmtNum(g.indicators.conversations), fmtNum(g.indicators.handoffs), fmtPct(g.indicators.serviceLevel), fmtPct(g.indicators.serviceLevelTarget), fmtPct(g.indicators.abandonmentRate), fmtSecs(g.indicators.averageSpeedOfAnswerSeconds), fmtPct(g.indicators.firstContactResolution), fmtPct(g.indicators.csat)]));

    const dist = t.satisfactionDistribution;
    drawChart('csat-chart', {
      type: 'bar',
      data: { labels: ['1', '2', '3', '4', '5'], datasets: [{ label: 'Respuestas', data: [dist[1], dist[2], dist[3], dist[4], dist[5]], backgroundColor: '#0b5cad' }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    fillTable($('csat-table'), null, ['1', '2', '3', '4', '5'].map((n) => [n, fmtNum(dist[n])]));
  }

  // ── top unrecognised clusters (the editor's inbox, examples masked by the API) ──
  const LANGUAGE_LABEL = { es: 'castellano', ca: 'catalán', eu: 'euskera', gl: 'gallego', en: 'inglés' };
  async function refreshUnrecognised() {
    const q = query();
    const params = new URLSearchParams({ from: q.get('from'), to: q.get('to'), limit: '10' });
    let result;
    try {
      result = await api(`/api/reports/unrecognised?${params}`);
    } catch (error) {
      $('unrec-summary').textContent = `No se pudieron leer los mensajes no reconocidos: ${error.message}`;
      fillTable($('unrec-table'), null, []);
      return;
    }
    $('unrec-summary').textContent = result.total === 0
      ? 'Ningún mensaje no reconocido en el periodo.'
      : `${fmtNum(result.total)} mensajes no reconocidos en el periodo; los ${fmtNum(result.clusters.length)} grupos más numerosos:`;
    fillTable($('unrec-table'), null, result.clusters.map((c) => [
      c.example,
      fmtNum(c.count),
      fmtPct(c.share),
      c.languages.length === 0 ? '—' : c.languages.map((l) => LANGUAGE_LABEL[l] || l).join(', '),
    ]));
  }

  async function loadDefinitions(defs) {
    const list = $('definitions');
    list.replaceChildren();
    for (const def of Object.values(defs.indicators)) {
      const dt = document.createElement('dt');
      dt.textContent = def.label;
      const dd = document.createElement('dd');
      dd.textContent = def.definition;
      list.append(dt, dd);
    }
  }

  // Days are the queues' days (the reports API reads dates in their time zone), not the browser's:
  // a supervisor abroad, or a browser on UTC after 23:00, would otherwise ask for yesterday.
  function localDate(date, timeZone) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  let live;
  async function startApp(session) {
    $('login').hidden = true;
    $('app').hidden = false;
    $('who').hidden = false;
    $('who').textContent = `${session.user.displayName} (${session.user.role})`;
    const defs = await api('/api/reports/definitions');
    const today = new Date();
    $('to').value = localDate(today, defs.timezone);
    $('from').value = localDate(new Date(today.getTime() - 6 * 86400000), defs.timezone);
    $('report-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void refreshReport();
      void refreshUnrecognised();
    });
    for (const id of ['from', 'to', 'period', 'by']) $(id).addEventListener('change', setExports);
    await Promise.all([refreshWallboard(), refreshReport(), refreshUnrecognised(), loadDefinitions(defs)]);
    // Live: a notice from this instance refreshes at once; polling covers other instances.
    live = new EventSource('/api/reports/live');
    live.addEventListener('changed', () => void refreshWallboard().catch(() => undefined));
    setInterval(() => void refreshWallboard().catch(() => undefined), 5000);
  }

  async function main() {
    try {
      const session = await api('/api/auth/session');
      if (session.user.role !== 'supervisor' && session.user.role !== 'admin') {
        $('login').hidden = false;
        $('login-error').textContent = 'Tu perfil no tiene acceso a los informes: entra con un usuario de supervisión o administración.';
        return;
      }
      await startApp(session);
    } catch {
      $('login').hidden = false;
    }
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').textContent = '';
    try {
      const session = await api('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: $('username').value, password: $('password').value }),
      });
      if (session.user.role !== 'supervisor' && session.user.role !== 'admin') {
        $('login-error').textContent = 'Tu perfil no tiene acceso a los informes.';
        return;
      }
      await startApp(session);
    } catch (error) {
      $('login-error').textContent = error.status === 401 ? 'Usuario o contraseña incorrectos.' : `No se pudo entrar: ${error.message}`;
    }
  });

  void main();
})();
