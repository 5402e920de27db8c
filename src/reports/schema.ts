/**
 * The reports module's tables (migration `0400_reports`) and the Kysely type that sees them
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

export interface ReportTables {
  report_rollups: ReportRollupsTable;
  report_state: ReportStateTable;
}

export type ReportsDatabase = Database & HandoffTables & ReportTables;
export type ReportsDb = Kysely<ReportsDatabase>;

/** The store's Kysely instance typed with the report tables. */
export function reportsDb(store: Store): ReportsDb {
  return store.kysely as unknown as ReportsDb;
}
