/** Types shared by the migration list and each migration. */
import type { Migration } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** A migration that may differ per dialect (auto-increment columns are the usual reason). */
export type DialectMigration = (dialect: Dialect) => Migration;
