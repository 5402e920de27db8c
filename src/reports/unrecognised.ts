/**
 * The top unrecognised clusters of a range: the editor's inbox entries of messages the NLU gave
 * `None`, grouped by their similarity key (`editor_unrecognized.group_key`, which the inbox
 * computes from the masked text), the largest first. The inbox stores masked text; the example is
 * masked again here, so a report never shows personal data whatever wrote the row.
 */
import { sql, type Kysely } from 'kysely';
import { maskPersonalData } from '../privacy/index.js';
import type { ReportsDb } from './schema.js';

/** The columns of `editor_unrecognized` (migration `0200_editor`) the reports read. */
export interface UnrecognisedColumns {
  group_key: string;
  text: string;
  reason: string;
  language: string | null;
  created_at: string;
}

export interface UnrecognisedCluster {
  /** The similarity key shared by the cluster's messages. */
  readonly key: string;
  /** One message of the cluster (masked). */
  readonly example: string;
  readonly count: number;
  /** Share of the range's unrecognised messages in the inbox. */
  readonly share: number;
  readonly languages: string[];
}

/** The `limit` largest clusters of unrecognised messages received in `[from, to)`. */
export async function topUnrecognisedClusters(db: ReportsDb, from: Date, to: Date, limit = 10): Promise<{ total: number; clusters: UnrecognisedCluster[] }> {
  const inbox = (db as unknown as Kysely<{ editor_unrecognized: UnrecognisedColumns }>)
    .selectFrom('editor_unrecognized')
    .where('reason', '=', 'none')
    .where('created_at', '>=', from.toISOString())
    .where('created_at', '<', to.toISOString());
  const total = Number((await inbox.select(sql<number>`count(*)`.as('count')).executeTakeFirst())?.count ?? 0);
  const rows = await inbox
    .select(['group_key', sql<number>`count(*)`.as('count'), sql<string>`min(text)`.as('example')])
    .groupBy('group_key')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('group_key')
    .limit(limit)
    .execute();
  const clusters: UnrecognisedCluster[] = [];
  for (const row of rows) {
    const languages = await inbox.select('language').distinct().where('group_key', '=', row.group_key).execute();
    clusters.push({
      key: row.group_key,
      example: maskPersonalData(row.example),
      count: Number(row.count),
      share: total > 0 ? Number(row.count) / total : 0,
      languages: languages.map((l) => l.language ?? '').filter((l) => l !== '').sort(),
    });
  }
  return { total, clusters };
}
