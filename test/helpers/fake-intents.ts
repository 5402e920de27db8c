/**
 * A tiny keyword intent module for core tests, so runner and outbox tests do not depend on the
 * NLP model. Conversation tests of the real engine live under test/conversations/.
 */
import type { IntentsModule } from '../../src/intents/contract.js';

export function fakeIntents(options: { failOn?: string } = {}): IntentsModule {
  return {
    safety: async (ctx, next) => {
      if (/quiero morir/i.test(ctx.inbound.text ?? '')) {
        ctx.language = 'es';
        ctx.reply({ kind: 'text', text: 'Llama al 024.' });
        ctx.handoff = { reason: 'emergency', priority: 'urgent', queue: 'urgencias' };
        ctx.patch.urgent = true;
        return;
      }
      await next();
    },
    understand: [
      async (ctx) => {
        const text = ctx.inbound.text ?? '';
        if (options.failOn !== undefined && text.includes(options.failOn)) throw new Error('model exploded');
        ctx.language = 'es';
        ctx.patch.language = 'es';
        if (/persona/i.test(text)) {
          ctx.nlu = { intent: 'conversacion.agente', score: 0.99, language: 'es' };
          ctx.handoff = { reason: 'citizen', priority: 'normal' };
          return;
        }
        if (/hola/i.test(text)) {
          ctx.nlu = { intent: 'conversacion.saludo', score: 0.95, language: 'es' };
          ctx.reply({ kind: 'text', text: `¡Hola! ¿En qué puedo ayudarte? (${text})` });
          return;
        }
        ctx.nlu = { intent: 'None', score: 0.2, language: 'es' };
        ctx.reply({ kind: 'text', text: `No te he entendido: ${text}` });
      },
    ],
    async classify(text) {
      return { intent: /hola/i.test(text) ? 'conversacion.saludo' : 'None', score: 1, language: 'es', languageSource: 'default', alternatives: [], safety: false };
    },
    ready: () => true,
  };
}
