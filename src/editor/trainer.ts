/**
 * The main-thread side of the publish worker: one long-lived worker thread that runs training
 * jobs one at a time, reporting progress. A crashed worker fails its job and is replaced on the
 * next one; the live model is never touched here.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HubError } from '../core/errors.js';
import type { TrainJob, WorkerMessage } from './publish-worker.js';

export type TrainRequest = Omit<TrainJob, 'id'>;
export type TrainResult = Extract<WorkerMessage, { type: 'result' }>;
export type TrainProgress = Extract<WorkerMessage, { type: 'progress' }>;

/** The ESM entry of tsx's register API (resolved from this package's node_modules). */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  return join(dirname(packageJson), 'dist/esm/api/index.mjs');
}

/** Runs training jobs in a worker thread. */
export class Trainer {
  private worker: Worker | undefined;
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<number, { resolve: (r: TrainResult) => void; reject: (e: Error) => void; onProgress?: (p: TrainProgress) => void }>();

  private spawn(): Worker {
    if (this.worker !== undefined) return this.worker;
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(`./publish-worker.${typescript ? 'ts' : 'js'}`, import.meta.url);
    // Under tsx/vitest the sources are TypeScript, and a worker does not inherit the parent's
    // loader hooks: the worker registers tsx's ESM loader itself before importing the entry.
    const worker = typescript
      ? new Worker(
          `const { pathToFileURL } = require('node:url');
           import(pathToFileURL(${JSON.stringify(tsxEsmApi())}).href).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
    worker.on('message', (message: WorkerMessage) => {
      const job = this.pending.get(message.id);
      if (job === undefined) return;
      if (message.type === 'progress') job.onProgress?.(message);
      else {
        this.pending.delete(message.id);
        if (message.type === 'result') job.resolve(message);
        else job.reject(new HubError('HUB_ERR_CONTENT', `training failed: ${message.message}`));
      }
    });
    const failAll = (error: Error) => {
      this.worker = undefined;
      for (const [id, job] of this.pending) {
        this.pending.delete(id);
        job.reject(new HubError('HUB_ERR_CONTENT', `the training worker stopped: ${error.message}`, { cause: error }));
      }
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (this.worker === worker) failAll(new Error(`exit code ${code}`));
    });
    // An idle worker must not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Trains (and evaluates) in the worker; jobs run one after another. */
  train(request: TrainRequest, onProgress?: (progress: TrainProgress) => void): Promise<TrainResult> {
    const run = () =>
      new Promise<TrainResult>((resolve, reject) => {
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject, ...(onProgress === undefined ? {} : { onProgress }) });
        const worker = this.spawn();
        worker.ref();
        worker.postMessage({ ...request, id } satisfies TrainJob);
      }).finally(() => {
        if (this.pending.size === 0) this.worker?.unref();
      });
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
