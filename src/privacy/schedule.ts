/**
 * The daily retention purge inside the hub. Every instance schedules it; the lease row
 * (`privacy_leases`, name `retention-purge`) lets one instance at a time run it, and keeps others
 * from running it again within the day.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../core/store/index.js';
import { acquireLease } from './lease.js';
import { purgeExpired, type PurgeCounts } from './purge.js';
import type { RetentionDays } from './retention-config.js';
import { privacyDb } from './schema.js';

const LEASE = 'retention-purge';
const DAY_MS = 86_400_000;

/** Options of {@link startRetentionPurge}. */
export interface RetentionPurgeOptions {
  readonly store: Store;
  readonly retentionDays: RetentionDays;
  /** Where the outcome goes (the hub's logger). */
  readonly log: { info(data: object, message: string): void; error(data: object, message: string): void };
  /** Time between runs (default one day); the lease lasts as long, so one run per period in all. */
  readonly intervalMs?: number;
  /** First run after this long (default one minute: start-up first). */
  readonly firstRunMs?: number;
  readonly now?: () => Date;
  /** Whether turns are running here (the hub's `runner.busy`): the purge runs in their gaps. */
  readonly busy?: () => boolean;
}

/** The running schedule. */
export interface RetentionPurge {
  /** Runs now when this instance gets the lease; undefined when another instance holds it. */
  runOnce(): Promise<PurgeCounts | undefined>;
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Schedules the purge every `intervalMs`; returns a handle to run it now or stop it. */
export function startRetentionPurge(options: RetentionPurgeOptions): RetentionPurge {
  const holder = randomUUID();
  const now = options.now ?? (() => new Date());
  const interval = options.intervalMs ?? DAY_MS;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const runOnce = async (): Promise<PurgeCounts | undefined> => {
    const db = privacyDb(options.store);
    const at = now();
    // The lease outlives the run: another instance will not purge again before the next period.
    if (!(await acquireLease(db, LEASE, holder, at, interval - 1000))) return undefined;
    const counts = await purgeExpired(db, { now: at, retentionDays: options.retentionDays, ...(options.busy === undefined ? {} : { busy: options.busy }) });
    options.log.info({ purge: counts }, 'retention purge done');
    return counts;
  };
  const tick = (): void => {
    running = runOnce().catch((error: unknown) => options.log.error({ err: error }, 'retention purge failed; it runs again in the next period'));
  };
  const first = setTimeout(tick, options.firstRunMs ?? 60_000);
  const every = setInterval(tick, interval);
  first.unref();
  every.unref();
  return {
    runOnce,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
