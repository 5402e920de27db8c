/**
 * Entry point of `npm start`: load and validate the configuration, build the hub, listen, and shut
 * down gracefully on SIGINT/SIGTERM (stop intake, finish running turns, flush replies).
 */
import { isHubError } from './core/errors.js';
import { loadConfig } from './config.js';
import { createHub } from './hub.js';

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config;
  let hub;
  try {
    config = loadConfig(env);
    hub = await createHub(config, { env, http: true, announce: (text) => void process.stdout.write(`\n${text}\n`) });
  } catch (error) {
    if (!isHubError(error, 'HUB_ERR_CONFIG') && !isHubError(error, 'HUB_ERR_CONTENT')) throw error;
    // A bad configuration is the operator's to fix: say which key and how, without a stack trace.
    process.stderr.write(`Ventanilla cannot start: ${error.message}\n`);
    process.exit(78);
  }
  const address = await hub.app.listen({ port: config.server.port, host: config.server.host });
  await hub.start();
  const url = address.replace('[::1]', 'localhost');
  hub.logger.info({ url }, 'Ventanilla is listening');
  process.stdout.write(`\nVentanilla está en marcha: abre ${url} para chatear con el bot (consola de agentes: ${url}/agent, editor: ${url}/editor, API: ${url}/docs)\n\n`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    hub.logger.info({ signal }, 'shutting down: finishing turns and flushing replies');
    const force = setTimeout(() => process.exit(1), config.shutdown.graceMs + 5_000);
    force.unref();
    hub.app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        hub.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain || process.env.VENTANILLA_SERVER_MAIN === '1') {
  startServer().catch((error: unknown) => {
    process.stderr.write(`Ventanilla failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
