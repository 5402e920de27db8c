/**
 * Entry point of `npm start`: load and validate the configuration, build the hub, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop intake, finish running turns, flush replies).
 */
import { describeFailure, operatorError } from './cli/failure.js';
import { createFirstRunAdmin, firstRunBlock, type FirstRunAdmin } from './accounts/first-run.js';
import { accountsDb } from './accounts/schema.js';
import { UserDirectory } from './accounts/users.js';
import { loadConfig, type HubConfig } from './config.js';
import { createClock } from './core/clock.js';
import { createStore } from './core/store/index.js';
import { loadHandoffConfig } from './handoff/config.js';
import { checkWritableDirectory } from './core/storage-errors.js';
import { createHub } from './hub.js';

/**
 * Creates the first-run admin (accounts/first-run.ts) on the configured store when it has no users
 * yet: done before the hub is built, so its block comes before any log line. The store is migrated
 * here for that, as every CLI command does.
 */
async function prepareFirstRunAdmin(config: HubConfig, env: NodeJS.ProcessEnv): Promise<FirstRunAdmin | undefined> {
  const store = await createStore(config.databaseUrl);
  try {
    await store.migrate();
    const queues = loadHandoffConfig(config.configDir, env).queues.map((queue) => queue.id);
    return await createFirstRunAdmin(new UserDirectory(accountsDb(store), createClock(env)), { dataDir: config.dataDir, queues });
  } finally {
    await store.close();
  }
}

/**
 * Starts the hub and installs the shutdown handlers. Rejects with an operator error (see
 * `cli/failure.ts`) when the configuration is wrong, the data directory is read-only or full, the
 * database is from a newer version or the port is taken; nothing is half-migrated.
 */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(env);
  const listen = { port: config.server.port, host: config.server.host };
  let hub;
  let address: string;
  try {
    // Before anything slow (the demo timetable import, training the models): a data directory the
    // hub cannot write fails in a second, not after them.
    checkWritableDirectory(config.dataDir);
    // The first-run admin password, framed, before the hub's first log line (not lost among them).
    const admin = await prepareFirstRunAdmin(config, env);
    if (admin !== undefined) process.stdout.write(`\n${firstRunBlock(admin)}\n\n`);
    hub = await createHub(config, { env, http: true });
    address = await hub.app.listen(listen);
    await hub.start();
  } catch (error) {
    await hub?.app.close().catch(() => undefined);
    throw operatorError(error, { dataDir: config.dataDir, listen });
  }
  const url = address.replace('[::1]', 'localhost');
  hub.logger.info({ url }, 'Ventanilla is listening');
  process.stdout.write(`\nVentanilla está en marcha: abre ${url} para chatear con el bot (consola de agentes: ${url}/agent, editor: ${url}/editor, API: ${url}/docs)\n\n`);

  const running = hub;
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    running.logger.info({ signal }, 'shutting down: finishing turns and flushing replies');
    const force = setTimeout(() => process.exit(1), config.shutdown.graceMs + 5_000);
    force.unref();
    running.app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Prints why the hub did not start (one sentence for operator errors) and exits non-zero. */
export function exitOnStartFailure(error: unknown): never {
  const { text, exitCode } = describeFailure(error);
  process.stderr.write(`Ventanilla cannot start: ${text}\n`);
  process.exit(exitCode);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain || process.env.VENTANILLA_SERVER_MAIN === '1') {
  startServer().catch(exitOnStartFailure);
}
