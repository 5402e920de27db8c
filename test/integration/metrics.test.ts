/**
 * `/metrics`: not served without VENTANILLA_METRICS_TOKEN, 401 without the bearer token, and with
 * it a Prometheus text exposition that a strict parser accepts, whose counters move when a
 * citizen's messages flow through the web chat.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { Classifier } from '../../src/intents/classifier.js';
import { loadContent } from '../../src/intents/content/loader.js';
import type { IntentEngine } from '../../src/intents/engine.js';
import { DEFAULT_CONTENT_DIR } from '../../src/intents/index.js';
import { LanguageDetector } from '../../src/intents/language.js';
import { createPolicy } from '../../src/intents/policy.js';
import { FakeChat } from '../helpers/intents.js';
import { startReportsHub } from '../helpers/reports-hub.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * A strict parser of the Prometheus text format 0.0.4: HELP/TYPE lines, sample lines with escaped
 * label values, one TYPE per family before its samples, histogram series consistent. Throws on
 * the first line that breaks a rule.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (match === null) return; // a plain comment
      const [, kind, name, rest] = match as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name: ${where}`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type: ${where}`);
        if (types.has(name)) throw new Error(`second TYPE: ${where}`);
        types.set(name, rest);
      }
      return;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (sample === null) throw new Error(`bad sample: ${where}`);
    const [, name, , labelText, valueText] = sample as unknown as [string, string, string | undefined, string | undefined, string];
    const labels: Record<string, string> = {};
    let rest = labelText ?? '';
    while (rest !== '') {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
      if (label === null) throw new Error(`bad labels: ${where}`);
      const [all, key, raw] = label as unknown as [string, string, string];
      if (key in labels) throw new Error(`repeated label: ${where}`);
      labels[key] = raw.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(all.length);
    }
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any letter case (prom-client writes "Nan").
    const lower = valueText.toLowerCase();
    const value = ['+inf', 'inf'].includes(lower) ? Infinity : lower === '-inf' ? -Infinity : lower === 'nan' ? Number.NaN : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(valueText) ? Number(valueText) : Number.NaN;
    if (lower !== 'nan' && Number.isNaN(value)) throw new Error(`bad value: ${where}`);
    const family = [name, name.replace(/_(bucket|sum|count)$/, '')].find((n) => types.has(n));
    if (family === undefined) throw new Error(`sample before its TYPE: ${where}`);
    samples.push({ name, labels, value });
  });
  // Histograms: cumulative buckets ending at +Inf, equal to _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family}: bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const values = buckets.map((b) => b.value);
      if (values.some((v, i) => i > 0 && v < (values[i - 1] ?? 0))) throw new Error(`${family}: buckets not cumulative`);
      const inf = buckets.find((b) => b.labels.le === '+Inf');
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      if (inf === undefined || count === undefined || inf.value !== count.value) throw new Error(`${family}: +Inf bucket and _count disagree`);
    }
  }
  return { types, samples };
}

const TOKEN = 'token-de-prueba-metricas';
let hub: Hub;

beforeAll(async () => {
  ({ hub } = await startReportsHub({ metricsToken: TOKEN }));
}, 60_000);

afterAll(async () => {
  await hub.app.close();
});

async function scrape(): Promise<ReturnType<typeof parsePrometheus>> {
  const response = await hub.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(response.body);
}

const valueOf = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('/metrics', () => {
  it('answers 401 without the bearer token or with a wrong one', async () => {
    expect((await hub.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await hub.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer otra-cosa' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain('ventanilla_');
  });

  it('parses strictly and its counters move when messages flow', async () => {
    const before = await scrape();
    expect(before.types.get('ventanilla_webhook_requests_total')).toBe('counter');
    expect(before.types.get('ventanilla_turn_latency_seconds')).toBe('histogram');
    expect(before.types.get('ventanilla_nlu_latency_seconds')).toBe('histogram');
    for (const name of ['ventanilla_outbox_items', 'ventanilla_queue_waiting', 'ventanilla_queue_longest_wait_seconds', 'ventanilla_agents', 'ventanilla_model_version']) {
      expect(before.types.get(name), name).toBe('gauge');
    }
    expect(valueOf(before.samples, 'ventanilla_queue_waiting', { queue: 'tramites' })).toBe(0);

    const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    for (const text of ['hola', 'quiero hablar con una persona']) {
      const response = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text } });
      expect(response.statusCode).toBe(202);
    }
    let after = await scrape();
    for (let i = 0; i < 100 && valueOf(after.samples, 'ventanilla_queue_waiting', { queue: 'tramites' }) < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await scrape();
    }
    expect(valueOf(after.samples, 'ventanilla_webhook_requests_total', { channel: 'webchat', status: '202' }) - valueOf(before.samples, 'ventanilla_webhook_requests_total', { channel: 'webchat', status: '202' })).toBe(2);
    expect(valueOf(after.samples, 'ventanilla_messages_total', { author: 'citizen' }) - valueOf(before.samples, 'ventanilla_messages_total', { author: 'citizen' })).toBe(2);
    expect(valueOf(after.samples, 'ventanilla_turn_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(after.samples, 'ventanilla_handoff_events_total', { type: 'queued' })).toBe(1);
    expect(valueOf(after.samples, 'ventanilla_queue_waiting', { queue: 'tramites' })).toBe(1);
  });

  it('observes each NLU analysis of the real answer policy (this hub runs a fake NLU: the policy is driven directly)', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    const engine = { scores: async () => [{ intent: 'None', score: 1 }] } as unknown as IntentEngine;
    const classifier = new Classifier(engine, new LanguageDetector({ es: ['hola'], ca: [], gl: [], eu: [], en: [] }), content.policy.thresholds);
    const policy = createPolicy({ classifier, content, providers: [] });
    const module = { ...policy, classify: async (text: string) => (await classifier.analyze(text)).result, ready: () => true };
    const before = await scrape();
    const chat = new FakeChat(module, 'es');
    await chat.send('una pregunta cualquiera');
    await chat.send('otra pregunta distinta');
    const after = await scrape();
    const count = (samples: readonly Sample[]): number => valueOf(samples, 'ventanilla_nlu_latency_seconds_count');
    expect(after.types.get('ventanilla_nlu_latency_seconds')).toBe('histogram');
    expect(count(after.samples) - count(before.samples)).toBe(2);
    expect(valueOf(after.samples, 'ventanilla_nlu_latency_seconds_sum')).toBeGreaterThan(valueOf(before.samples, 'ventanilla_nlu_latency_seconds_sum'));
  });

  it('the Grafana dashboard in docs/ only queries metrics the hub exposes', async () => {
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const used = new Set([...dashboard.matchAll(/ventanilla_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')));
    const { types } = await scrape();
    for (const name of used) expect(types.has(name), name).toBe(true);
  });

  it('the parser is strict: it rejects broken expositions', () => {
    expect(() => parsePrometheus('x 1\n')).toThrow(/before its TYPE/);
    expect(() => parsePrometheus('# TYPE x counter\nx{a="1} 1\n')).toThrow(/bad labels/);
    expect(() => parsePrometheus('# TYPE x counter\nx one\n')).toThrow(/bad value/);
    expect(() => parsePrometheus('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n')).toThrow(/cumulative/);
  });
});
