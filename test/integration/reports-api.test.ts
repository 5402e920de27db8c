/**
 * The reports API through the real app: roles (401/403), bad input (400 with the reason, nothing
 * changed), live figures after a web chat conversation is queued, CSV/JSON exports and the
 * OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import type { HandoffModule } from '../../src/handoff/index.js';
import { localDateOf } from '../../src/core/time-zone.js';
import { editorDb } from '../../src/editor/schema.js';
import { startReportsHub } from '../helpers/reports-hub.js';

let hub: Hub;
let handoff: () => HandoffModule;
const PASSWORD = 'contraseña-de-prueba';
const reads: { actor: string; ids: string[]; reason: string }[] = [];

// Logins are rate-limited per IP (5 a minute): one session per user for the whole file.
const sessions = new Map<string, Record<string, string>>();
async function login(username: string): Promise<Record<string, string>> {
  const known = sessions.get(username);
  if (known !== undefined) return known;
  const response = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
  expect(response.statusCode).toBe(200);
  const headers = { cookie: String(response.headers['set-cookie']).split(';')[0] as string };
  sessions.set(username, headers);
  return headers;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out; last: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  ({ hub, handoff } = await startReportsHub({
    // As src/hub.ts does with the access audit: who read which conversations, and why.
    onConversationsRead: async (request, ids, reason) => {
      reads.push({ actor: handoff().auth.require(request).user.username, ids: [...ids], reason });
    },
  }));
  for (const [username, role] of [['sara', 'supervisor'], ['adela', 'admin'], ['ana', 'agent'], ['eva', 'editor']] as const) {
    await handoff().users.create({ username, role, password: PASSWORD, displayName: username, queues: ['tramites'] });
  }
}, 60_000);

afterAll(async () => {
  await hub.app.close();
});

/** Today in the queues' time zone (config/queues.yaml), as report ranges are read: from 23:00 UTC in winter Madrid is already tomorrow. */
const today = (): string => {
  const { year, month, day } = localDateOf(new Date(), 'Europe/Madrid');
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

describe('reports API', () => {
  it('needs a supervisor or admin session: 401 without one, 403 for agents and editors', async () => {
    const url = `/api/reports/indicators?from=${today()}&to=${today()}`;
    expect((await hub.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    for (const user of ['ana', 'eva']) {
      const response = await hub.app.inject({ method: 'GET', url, headers: await login(user) });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'HUB_ERR_FORBIDDEN' });
    }
    for (const user of ['sara', 'adela']) expect((await hub.app.inject({ method: 'GET', url, headers: await login(user) })).statusCode).toBe(200);
  });

  it('rejects a bad range or slice with 400 and the reason', async () => {
    const headers = await login('sara');
    const cases: [string, RegExp][] = [
      ['from=2026-03-10&to=2026-03-01', /must be before/],
      ['from=2020-01-01&to=2026-03-01', /two years/],
      ['from=2026-03-01&to=2026-03-10&by=queue,colour', /unknown slice "colour"/],
      ['from=2026-02-30&to=2026-03-10', /not a calendar date/],
      ['from=ayer&to=2026-03-10', /from/],
      ['from=2026-03-01&to=2026-03-10&period=decade', /period/],
    ];
    for (const [query, reason] of cases) {
      for (const path of ['indicators', 'export']) {
        const response = await hub.app.inject({ method: 'GET', url: `/api/reports/${path}?${query}`, headers });
        expect(response.statusCode, `${path}?${query}`).toBe(400);
        expect((response.json() as { message: string }).message).toMatch(reason);
      }
    }
  });

  it('counts a queued web chat conversation at once: wallboard and report', async () => {
    const headers = await login('sara');
    const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const say = async (text: string): Promise<void> => {
      const response = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text } });
      expect(response.statusCode).toBe(202);
    };
    await say('hola');
    await say('quiero hablar con una persona');
    const wall = await eventually(
      async () => (await hub.app.inject({ method: 'GET', url: '/api/reports/wallboard', headers })).json() as { queues: { id: string; waiting: number }[]; handoffsToday: number },
      (w) => w.queues.find((q) => q.id === 'tramites')?.waiting === 1 && w.handoffsToday === 1,
    );
    expect(wall.queues.find((q) => q.id === 'tramites')?.waiting).toBe(1);
    const report = (await hub.app.inject({ method: 'GET', url: `/api/reports/indicators?from=${today()}&to=${today()}&by=channel,queue&period=hour`, headers })).json() as {
      total: { conversations: number; citizenMessages: number; handoffs: number; botAnswers: number; handoffReasons: { citizen: number } };
      groups: { key: { channel: string; queue: string }; indicators: { handoffs: number } }[];
    };
    expect(report.total).toMatchObject({ conversations: 1, citizenMessages: 2, handoffs: 1, handoffReasons: { citizen: 1 } });
    expect(report.groups.find((g) => g.key.queue === 'tramites' && g.key.channel === 'webchat')?.indicators.handoffs).toBe(1);
  });

  it('exports CSV with a BOM and `;` (decimal commas) or `,`, and JSON', async () => {
    const headers = await login('adela');
    const csv = await hub.app.inject({ method: 'GET', url: `/api/reports/export?from=${today()}&to=${today()}&by=queue`, headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="informe-/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(csv.body.slice(1), { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.queue).sort()).toEqual(['', 'tramites']);
    expect(rows.find((r) => r.queue === 'tramites')?.handoffs).toBe('1');
    const comma = await hub.app.inject({ method: 'GET', url: `/api/reports/export?from=${today()}&to=${today()}&separator=comma`, headers });
    const commaRows = parse(comma.body.slice(1), { delimiter: ',', columns: true }) as Record<string, string>[];
    expect(commaRows).toHaveLength(1);
    expect(commaRows[0]?.handoffRate).toBe('1');
    const json = await hub.app.inject({ method: 'GET', url: `/api/reports/export?from=${today()}&to=${today()}&format=json`, headers });
    expect((JSON.parse(json.body) as { total: { handoffs: number } }).total.handoffs).toBe(1);
  });

  it('documents the reports API in the OpenAPI document, with the definitions', async () => {
    const spec = (await hub.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, { get?: { description?: string } }> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/reports/indicators', '/api/reports/export', '/api/reports/wallboard', '/api/reports/definitions', '/api/reports/live']));
    expect(spec.paths['/api/reports/indicators']?.get?.description).toMatch(/Nivel de servicio/);
  });

  it('serves the dashboard and Chart.js from the hub itself', async () => {
    const page = await hub.app.inject({ method: 'GET', url: '/reports' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/reports/chart.umd.min.js"');
    const chart = await hub.app.inject({ method: 'GET', url: '/reports/chart.umd.min.js' });
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toMatch(/Chart/);
    expect((await hub.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('exports the conversations of a range for audits with personal data masked, and has each read recorded with the reason', async () => {
    const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const text = 'mi DNI es 12345678Z y mi teléfono 612 345 678, ¿cómo pido el certificado?';
    expect((await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text } })).statusCode).toBe(202);
    const headers = await login('sara');
    const url = `/api/reports/conversations?from=${today()}&to=${today()}`;
    expect((await hub.app.inject({ method: 'GET', url, headers })).statusCode, 'a reason is required').toBe(400);
    expect((await hub.app.inject({ method: 'GET', url: `${url}&reason=auditoria`, headers: await login('ana') })).statusCode).toBe(403);
    type Export = { masked: boolean; next: string | null; conversations: { id: string; channel: string; messages: { author: string; text: string }[] }[] };
    const exported = await eventually(
      async () => (await hub.app.inject({ method: 'GET', url: `${url}&reason=${encodeURIComponent('auditoría de calidad')}`, headers })).json() as Export,
      (e) => e.conversations.some((c) => c.messages.some((m) => m.text.includes('certificado'))),
    );
    const body = JSON.stringify(exported);
    expect(exported.masked).toBe(true);
    expect(body).not.toContain('12345678Z');
    expect(body).not.toMatch(/612 ?345 ?678/);
    const mine = exported.conversations.find((c) => c.messages.some((m) => m.text.includes('certificado')));
    expect(mine?.channel).toBe('webchat');
    expect(mine?.messages.find((m) => m.author === 'citizen')?.text).toBe('mi DNI es [DNI] y mi teléfono [TELÉFONO], ¿cómo pido el certificado?');
    expect(reads.at(-1)).toEqual({ actor: 'sara', ids: exported.conversations.map((c) => c.id), reason: 'auditoría de calidad' });
    // Pages: one conversation at a time, `next` leads to the rest and ends with null.
    const seen: string[] = [];
    let after: string | null = '';
    while (after !== null) {
      const page = (await hub.app.inject({ method: 'GET', url: `${url}&reason=auditoria&limit=1${after === '' ? '' : `&after=${after}`}`, headers })).json() as Export;
      seen.push(...page.conversations.map((c) => c.id));
      after = page.next;
    }
    expect(seen).toEqual(exported.conversations.map((c) => c.id));
  });

  it('lists the top unrecognised clusters of a range, largest first, examples masked', async () => {
    const db = editorDb(hub.store);
    const at = new Date().toISOString();
    const row = (id: string, key: string, text: string, reason = 'none', language = 'es') => ({
      id, group_key: key, text, language, intent: 'None', score: 0.2, reason, conversation_id: 'c-x', entry_id: id, status: 'open', assigned_intent: null, resolved_by: null, created_at: at, resolved_at: null,
    });
    await db
      .insertInto('editor_unrecognized')
      .values([
        row('u1', 'bono social agua', 'bono social del agua'),
        row('u2', 'bono social agua', 'el bono social agua 12345678Z'),
        row('u3', 'bono social agua', 'bono social de agua', 'none', 'ca'),
        row('u4', 'huerto urbano', 'huertos urbanos'),
        row('u5', 'huerto urbano', 'huerto urbano', 'low-confidence'),
      ])
      .execute();
    const response = await hub.app.inject({ method: 'GET', url: `/api/reports/unrecognised?from=${today()}&to=${today()}`, headers: await login('adela') });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { total: number; clusters: { key: string; example: string; count: number; share: number; languages: string[] }[] };
    expect(body.total).toBe(4);
    expect(body.clusters.map((c) => [c.key, c.count, c.share, c.languages])).toEqual([
      ['bono social agua', 3, 0.75, ['ca', 'es']],
      ['huerto urbano', 1, 0.25, ['es']],
    ]);
    expect(JSON.stringify(body)).not.toContain('12345678Z');
    expect((await hub.app.inject({ method: 'GET', url: `/api/reports/unrecognised?from=${today()}&to=2020-01-01`, headers: await login('adela') })).statusCode).toBe(400);
  });
});
