/**
 * `ventanilla privacy …`: the retention purge (and, as they land, the data subject's rights) from
 * the command line. Arguments are checked before anything is opened.
 */
import { linePrinters, parseCommand, printExit, selectCommand, type CommandOutput } from '../cli/args.js';
import { PRIVACY, PRIVACY_PURGE } from '../cli/commands.js';
import type { KyselyStore } from '../core/store/index.js';
import { purgeExpired } from './purge.js';
import type { RetentionDays } from './retention-config.js';
import { privacyDb } from './schema.js';

/** What the commands need; the CLI opens the configured store when not given. */
export interface PrivacyCliDeps {
  /** An open store (the CLI migrates it; the caller closes it). */
  readonly store: KyselyStore;
  readonly retentionDays: RetentionDays;
  readonly now?: () => Date;
}

/** Runs `privacy …`; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runPrivacyCli(args: readonly string[], output: CommandOutput, deps?: PrivacyCliDeps): Promise<number> {
  const { out, err } = linePrinters(output);
  const selected = selectCommand(PRIVACY, args);
  if (!selected.ok) return printExit(selected, out, err);
  const parsed = parseCommand(PRIVACY_PURGE, selected.rest);
  if (!parsed.ok) return printExit(parsed, out, err);
  const dryRun = parsed.values['dry-run'] === true;
  const run = async (using: PrivacyCliDeps): Promise<number> => {
    await using.store.migrate();
    const counts = await purgeExpired(privacyDb(using.store), { now: (using.now ?? (() => new Date()))(), retentionDays: using.retentionDays, dryRun });
    out(dryRun ? 'would delete (dry run, nothing deleted):' : 'deleted:');
    for (const [name, count] of Object.entries(counts)) out(`  ${name}\t${count}`);
    return 0;
  };
  if (deps !== undefined) return await run(deps);
  const [{ loadConfig }, { createStore }] = await Promise.all([import('../config.js'), import('../core/store/index.js')]);
  const config = loadConfig();
  const store = await createStore(config.databaseUrl);
  try {
    return await run({ store, retentionDays: config.privacy.retentionDays });
  } finally {
    await store.close();
  }
}
