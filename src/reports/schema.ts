/**
 * The reports module's tables (migrations `0400_reports`, `0760_report_days` and `0850_report_hour_slices`) and the Kysely type that sees them
 * together with the core and handoff tables it reads.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../core/store/index.js';
import type { HandoffTables } from '../handoff/schema.js';
import type { Database } from '../core/store/schema.js';

export interface ReportRollupsTable {
  /** UTC hour, `YYYY-MM-DDTHH`. */
  bucket: string;
  channel: string;
  queue_id: string;
  language: string;
  intent: string;
  agent_id: string;
  metric: string;
  /** How many (may go down: a re-contact within 72 h takes back a resolution). */
  n: number | string;
  /** Sum of the measured values (milliseconds for durations, points for ratings). */
  total: number | string;
  /** Largest single value. */
  peak: number | string;
}

export interface ReportStateTable {
  conversation_id: string;
  /** JSON {@link ConversationReportState}. */
  data: string;
  updated_at: string;
}

/** The daily tier (migration `0760_report_days`): hourly rows summed per local day, without intent and agent. */
export interface ReportDaysTable {
  /** Local day in the queues' time zone, `YYYY-MM-DD`. */
  day: string;
  channel: string;
  queue_id: string;
  language: string;
  metric: string;
  n: number | string;
  total: number | string;
  peak: number | string;
}

/** Hourly rows summed without intent and agent (migration `0850_report_hour_slices`): what a report reads for the partial days of its range. */
export interface ReportHourSlicesTable {
  /** UTC hour, `YYYY-MM-DDTHH`. */
  bucket: string;
  channel: string;
  queue_id: string;
  language: string;
  metric: string;
  n: number | string;
  total: number | string;
  peak: number | string;
}

/** Settings the tiers were computed with (`days_timezone`). */
export interface ReportMetaTable {
  key: string;
  value: string;
}

export interface ReportTables {
  report_rollups: ReportRollupsTable;
  report_state: ReportStateTable;
  report_days: ReportDaysTable;
  report_hour_slices: ReportHourSlicesTable;
  report_meta: ReportMetaTable;
}

export type ReportsDatabase = Database & HandoffTables & ReportTables;
export type ReportsDb = Kysely<ReportsDatabase>;

/** The store's Kysely instance typed with the report tables. */
export function reportsDb(store: Store): ReportsDb {
  return store.kysely as unknown as ReportsDb;
}
