/**
 * Every migration of every module, in the order they apply: the one list the store migrates to,
 * whatever the entry point (server, each CLI command, benchmarks, tests). Nothing registers a
 * migration at import time, so every process knows the same schema.
 *
 * Rules: never edit or rename a shipped migration (databases in the field recorded its name); add
 * a new entry at the end with a name that sorts after the last one. Migrations only use
 * `Kysely<unknown>`, so the store needs no module's types, and each module keeps its table types.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { core0001 } from './0001-core.js';
import { handoff0100 } from './0100-handoff.js';
import { editor0200 } from './0200-editor.js';
import { delivery0300 } from './0300-delivery.js';
import { reports0400 } from './0400-reports.js';
import { email0500 } from './0500-email.js';
import { privacy0600 } from './0600-privacy.js';
import { handoffOffers0700 } from './0700-handoff-offers.js';
import { consolePresence0710 } from './0710-console-presence.js';
import { canned0720 } from './0720-canned.js';
import { feedback0740 } from './0740-feedback.js';
import { accounts0750 } from './0750-accounts.js';
import { reportDays0760 } from './0760-report-days.js';
import { turnLeases0800 } from './0800-turn-leases.js';
import { rateLimits0810 } from './0810-rate-limits.js';
import { purgeKeys0820 } from './0820-purge-keys.js';
import { reportHourSlices0850 } from './0850-report-hour-slices.js';
import type { Dialect, DialectMigration } from './types.js';

export type { Dialect, DialectMigration } from './types.js';

/** The ordered migration list. Names are what existing databases recorded: keep them. */
export const MIGRATIONS: readonly (readonly [name: string, migration: DialectMigration])[] = [
  ['0001_core', core0001],
  ['0100_handoff', handoff0100],
  ['0200_editor', editor0200],
  ['0300_delivery', delivery0300],
  ['0400_reports', reports0400],
  ['0500_email', email0500],
  ['0600_privacy', privacy0600],
  ['0700_handoff_offers', handoffOffers0700],
  ['0710_console_presence', consolePresence0710],
  ['0720_canned_responses', canned0720],
  ['0740_feedback', feedback0740],
  ['0750_accounts', accounts0750],
  ['0760_report_days', reportDays0760],
  ['0800_turn_leases', turnLeases0800],
  ['0810_rate_limits', rateLimits0810],
  ['0820_purge_keys', purgeKeys0820],
  ['0850_report_hour_slices', reportHourSlices0850],
];

/** The names this version knows, in order. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);

/** Kysely migration provider over {@link MIGRATIONS}, for one dialect. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const result: Record<string, Migration> = {};
      for (const [name, migration] of MIGRATIONS) result[name] = migration(dialect);
      return result;
    },
  };
}
