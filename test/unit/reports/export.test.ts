/** CSV exports: BOM, separators and decimal marks, formula-injection safety, and the CLI. */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { safeCell, toCsv } from '../../../src/reports/export.js';
import { loadReportsConfig } from '../../../src/reports/definitions.js';
import { runReportsCli } from '../../../src/reports/cli.js';
import { RollupWriter } from '../../../src/reports/writer.js';
import { CONFIG_DIR, createHarness, type Harness } from '../../helpers/handoff-hub.js';
import { turn } from './scenario.js';

const config = loadReportsConfig(CONFIG_DIR, {});

describe('toCsv', () => {
  it('starts with a BOM, uses `;` with decimal commas (or `,` with points) and round-trips', () => {
    const records = [{ queue: 'tramites', serviceLevel: 0.5, handoffs: 3, empty: null }];
    const semicolon = toCsv(records, ';');
    expect(semicolon.startsWith('\ufeff')).toBe(true);
    expect(semicolon).toContain('queue;serviceLevel;handoffs;empty\r\n');
    expect(parse(semicolon.slice(1), { delimiter: ';', columns: true })).toEqual([{ queue: 'tramites', serviceLevel: '0,5', handoffs: '3', empty: '' }]);
    expect(parse(toCsv(records, ',').slice(1), { delimiter: ',', columns: true })).toEqual([{ queue: 'tramites', serviceLevel: '0.5', handoffs: '3', empty: '' }]);
  });

  it('neutralises text a spreadsheet would run as a formula, keeps negative numbers as numbers', () => {
    const hostile = ['=HYPERLINK("http://x","clic")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'normal; con "comillas"'];
    const csv = toCsv(hostile.map((value, index) => ({ intent: value, delta: -index })), ';');
    const rows = parse(csv.slice(1), { delimiter: ';', columns: true }) as { intent: string; delta: string }[];
    expect(rows.map((r) => r.intent)).toEqual(["'=HYPERLINK(\"http://x\",\"clic\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", 'normal; con "comillas"']);
    expect(rows.map((r) => r.delta)).toEqual(['0', '-1', '-2', '-3', '-4', '-5', '-6']);
    expect(safeCell('tramites.padron')).toBe('tramites.padron');
  });
});

describe('ventanilla reports export / rebuild', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await h?.close();
    h = undefined;
  });

  it('writes the report as CSV by queue and channel, and rebuilds the same figures', async () => {
    h = await createHarness();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(h.now);
    const writer = new RollupWriter({ store: h.store, events: h.events, config, clock: h.clock, logger: { error: () => undefined }, flushMs: 60_000 });
    writer.start();
    await turn(h, 'webchat:cli', 'hola', { intent: 'conversacion.saludo' });
    const id = await turn(h, 'webchat:cli2', 'una persona', { intent: 'conversacion.agente', reply: { intent: null } });
    await h.handoff.queue.enqueue({ conversationId: id, queueId: 'tributos', priority: 'normal', reason: 'citizen', intent: null, language: 'es' });
    await writer.stop();
    const run = async (args: string[]): Promise<{ code: number; text: string; errors: string }> => {
      let text = '';
      let errors = '';
      const code = await runReportsCli(args, { write: (t: string) => (text += t), writeError: (t: string) => (errors += t) }, { store: h?.store as Harness['store'], config });
      return { code, text, errors };
    };
    const exportArgs = ['export', '--from', '2026-03-10', '--to', '2026-03-10', '--by', 'queue,channel', '--format', 'csv'];
    const live = await run(exportArgs);
    expect(live.code).toBe(0);
    const rows = parse(live.text.slice(1), { delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.queue, r.channel, r.conversations, r.handoffs])).toEqual([
      ['', 'webchat', '2', '0'],
      ['tributos', 'webchat', '0', '1'],
    ]);
    expect((await run(['rebuild'])).code).toBe(0);
    expect((await run(exportArgs)).text).toBe(live.text);
    const bad = await run(['export', '--from', '2026-03-10', '--to', '2026-03-01']);
    expect(bad.code).toBe(2);
    expect(bad.errors).toMatch(/must be before/);
    expect((await run(['export', '--from', '2026-03-01', '--to', '2026-03-10', '--by', 'colour'])).errors).toMatch(/unknown slice "colour"/);
  }, 60_000);
});
