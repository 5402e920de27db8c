/**
 * One hub instance for bench:cluster, in its own process: the real app with the Telegram channel
 * (webhook mode) on a PostgreSQL schema shared with the other instances, the cross-instance event
 * relay on (as `npm start` runs it), and a one-step answer that echoes the citizen's text (the
 * bench checks which message each reply answers). Options come as JSON in argv[2]; sends
 * `{ url }` once listening and closes on `'stop'`.
 */
import process from 'node:process';
import { buildApp } from '../src/app.js';
import { createTelegramChannel } from '../src/bots/telegram/index.js';
import { loadConfig } from '../src/config.js';
import { createStore } from '../src/core/store/index.js';
import { attachEventRelay } from '../src/event-relay.js';
import type { IntentsModule } from '../src/intents/contract.js';

interface NodeOptions {
  readonly url: string;
  readonly schema: string;
  readonly apiRoot: string;
  readonly secret: string;
  readonly poolSize: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as NodeOptions;

// A one-step answer: the bench measures intake, turns and delivery across instances, not the NLU.
const intents: IntentsModule = {
  safety: async (_ctx, next) => next(),
  understand: [
    async (ctx) => {
      ctx.language = 'es';
      ctx.reply({ kind: 'text', text: `r:${ctx.inbound.text ?? ''}` });
    },
  ],
  classify: async () => ({ intent: 'None', score: 0, language: 'es', languageSource: 'default', alternatives: [], safety: false }),
  ready: () => true,
};

const store = await createStore(options.url, { schema: options.schema, poolSize: options.poolSize });
const hub = await buildApp({
  config: loadConfig({ VENTANILLA_DATABASE_URL: options.url, LOG_LEVEL: 'silent' }),
  store,
  ownsStore: true,
  intents,
  logger: false,
  channels: [
    (services) =>
      createTelegramChannel(
        { botToken: '1:BENCH', mode: 'webhook', webhookSecret: options.secret, apiRoot: options.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 10_000 },
        services,
      ),
  ],
});
await attachEventRelay(hub, options.url, { schema: options.schema });
await hub.start();
const url = await hub.app.listen({ port: 0, host: '127.0.0.1' });
process.on('message', (message) => {
  if (message === 'stop') void hub.app.close().then(() => process.exit(0));
});
process.send?.({ url });
