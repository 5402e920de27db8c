/**
 * `npm run bench:publish`: publish-to-live time for the full default content in five languages
 * (target ≤ 3 s) and the turn latency p99 while a publish trains vs idle (target ≤ 2×).
 * Turns run through the real runner (store, pipeline, live model); delivery is measured apart.
 */
import { citizen, startEditorHub } from '../test/helpers/editor-hub.js';

function p(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const TEXTS = ['hola', '¿hasta cuándo puedo presentar la renta?', 'quiero pedir cita previa', 'bon dia, vull demanar cita', 'what are the bus fares?', 'kaixo', 'perdí la cartera en el metro'];

async function turns(run: Awaited<ReturnType<typeof startEditorHub>>, count: number, prefix: string, until?: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; (until === undefined && i < count) || (until !== undefined && !until()); i += 1) {
    const started = performance.now();
    await run.hub.runner.acceptAndWait(citizen(TEXTS[i % TEXTS.length] ?? 'hola', `${prefix}-${i}`));
    latencies.push(performance.now() - started);
    // A steady load, not a flood: one message every 20 ms.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

const run = await startEditorHub();
// Warm the worker thread (first start compiles the sources) so the figure is publish-to-live.
await run.editor.trainer.train({ content: await run.editor.store.draftContent(), languages: ['es'] });
await turns(run, 30, 'warm');
// Enough samples on both sides for a p99 that is not just the single worst turn.
const idle = await turns(run, 400, 'idle');

const results: { publishMs: number; during: number[] }[] = [];
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
for (let round = 0; round < rounds; round += 1) {
  const intent = await run.editor.store.getDraftIntent('conversacion.saludo');
  if (intent === undefined) throw new Error('no conversacion.saludo');
  await run.editor.store.updateIntent({ ...intent, utterances: { ...intent.utterances, es: [...(intent.utterances.es ?? []), `saludos bench ${round}`] } }, 'bench');
  let done = false;
  const started = performance.now();
  const publishing = run.editor.service.publish(`bench ${round}`, 'bench').then(() => {
    done = true;
    return performance.now() - started;
  });
  const during = await turns(run, 0, `pub${round}`, () => done);
  results.push({ publishMs: await publishing, during });
}

const during = results.flatMap((r) => r.during);
const publishTimes = results.map((r) => r.publishMs);
console.log('publish-to-live (5 languages, full default content, dev-set gate %s):', process.env.VENTANILLA_DEV_SET ?? 'off');
for (const [i, ms] of publishTimes.entries()) console.log(`  publish ${i + 1}: ${(ms / 1000).toFixed(2)} s`);
console.log(`  median ${(p(publishTimes, 0.5) / 1000).toFixed(2)} s (target ≤ 3 s)`);
console.log(`turn latency idle:    n=${idle.length} p50 ${p(idle, 0.5).toFixed(1)} ms  p99 ${p(idle, 0.99).toFixed(1)} ms`);
console.log(`turn latency publish: n=${during.length} p50 ${p(during, 0.5).toFixed(1)} ms  p99 ${p(during, 0.99).toFixed(1)} ms`);
console.log(`ratio p99 publish/idle: ${(p(during, 0.99) / p(idle, 0.99)).toFixed(2)}× (target ≤ 2×)`);
await run.hub.app.close();
