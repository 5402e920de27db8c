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
import { startReportsHub } from '../helpers/reports-hub.js';

let hub: Hub;
let handoff: () => HandoffModule;
const PASSWORD = 'contraseña-de-prueba';

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
  ({ hub, handoff } = await startReportsHub());
  for (const [username, role] of [['sara', 'supervisor'], ['adela', 'admin'], ['ana', 'agent'], ['eva', 'editor']] as const) {
    await handoff().users.create({ username, role, password: PASSWORD, displayName: username, queues: ['tramites'] });
  }
}, 60_000);

afterAll(async () => {
  await hub.app.close();
});

const today = (): string => new Date().toISOString().slice(0, 10);

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
});
