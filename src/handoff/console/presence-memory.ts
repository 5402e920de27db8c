/**
 * The presence a console user last chose themselves (table `handoff_presence_memory`, migration
 * `0710_console_presence`). The hub also sets presence (offline at logout and when a console is
 * not seen), so the current presence alone cannot say what the agent wants back at the next login.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../../core/store/index.js';
import { isPresence, type Presence } from '../../accounts/users.js';

interface PresenceMemoryTable {
  user_id: string;
  presence: string;
  chosen_at: string;
}

type MemoryDb = Kysely<{ handoff_presence_memory: PresenceMemoryTable }>;

/** What the agent chose last, and when (ISO-8601 UTC). */
export interface ChosenPresence {
  readonly presence: Presence;
  readonly chosenAt: string;
}

/** Reads and writes the last chosen presence per user; one row per user, overwritten. */
export class PresenceMemory {
  private readonly db: MemoryDb;

  constructor(store: Store) {
    this.db = store.kysely as unknown as MemoryDb;
  }

  /** Remembers `presence` as the user's own choice (an upsert: both dialects know ON CONFLICT). */
  async remember(userId: string, presence: Presence, at: Date): Promise<void> {
    const chosenAt = at.toISOString();
    await this.db
      .insertInto('handoff_presence_memory')
      .values({ user_id: userId, presence, chosen_at: chosenAt })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ presence, chosen_at: chosenAt }))
      .execute();
  }

  /** The user's last own choice, or null when they never chose one. */
  async lastChosen(userId: string): Promise<ChosenPresence | null> {
    const row = await this.db.selectFrom('handoff_presence_memory').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (row === undefined || !isPresence(row.presence)) return null;
    return { presence: row.presence, chosenAt: row.chosen_at };
  }
}
