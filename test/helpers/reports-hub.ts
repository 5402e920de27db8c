/**
 * The hub with the real handoff wiring, the web chat, the keyword bot and the reports plugin, as
 * `src/hub.ts` composes them (tests choose the clock and the metrics token).
 */
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { loadHandoffConfig } from '../../src/handoff/config.js';
import { createHandoffWiring, type HandoffWiring } from '../../src/handoff/hub-plugin.js';
import type { HandoffModule } from '../../src/handoff/index.js';
import { createReportsPlugin, loadReportsConfig, type ReportsPluginOptions } from '../../src/reports/index.js';
import { CONFIG_DIR } from './handoff-hub.js';
import { fakeIntents } from './fake-intents.js';
import { testConfig } from './test-config.js';

export async function startReportsHub(options: { readonly clock?: () => Date; readonly metricsToken?: string; readonly webRoot?: string; readonly onConversationsRead?: ReportsPluginOptions['onConversationsRead'] } = {}): Promise<{ hub: Hub; handoff: () => HandoffModule; wiring: HandoffWiring }> {
  const clock = options.clock ?? ((): Date => new Date());
  const handoffConfig = loadHandoffConfig(CONFIG_DIR, {});
  const wiring = createHandoffWiring({ config: handoffConfig, clock, feedPollMs: 200 });
  const handoff = (): HandoffModule => {
    const module = wiring.module();
    if (module === undefined) throw new Error('handoff module not created');
    return module;
  };
  const hub = await buildApp({
    config: testConfig(),
    intents: fakeIntents(),
    logger: false,
    clock,
    handoff: wiring.port,
    plugins: [
      wiring.plugin,
      createReportsPlugin({
        config: loadReportsConfig(CONFIG_DIR, {}),
        queues: handoffConfig.queues.map((q) => ({ id: q.id, name: q.name })),
        clock,
        guard: (request, reply) => handoff().auth.guard(['supervisor', 'admin'])(request, reply),
        metricsToken: options.metricsToken,
        flushMs: 100,
        ...(options.onConversationsRead === undefined ? {} : { onConversationsRead: options.onConversationsRead }),
      }),
    ],
    channels: [(services) => createWebchatChannel(services)],
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
  });
  await hub.start();
  return { hub, handoff, wiring };
}
