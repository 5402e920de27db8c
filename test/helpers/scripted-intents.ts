/**
 * A scripted intents module for Telegram/X app tests: the campaign answer, the "only text" reply to
 * media, and an echo that makes per-user ordering visible. The real NLU is tested elsewhere.
 */
import type { IntentsModule } from '../../src/intents/contract.js';

export const CAMPAIGN_ANSWER = 'La campaña de la Renta 2024 empieza el 2 de abril de 2025 y termina el 30 de junio.';
export const CAMPAIGN_SHORT = 'La campaña de la Renta empieza el 2 de abril y termina el 30 de junio.';
export const ONLY_TEXT = 'De momento solo leo texto; si quieres, te paso con una persona.';

export function scriptedChannelIntents(): IntentsModule {
  return {
    safety: async (_ctx, next) => {
      await next();
    },
    understand: [
      async (ctx) => {
        ctx.language = 'es';
        const inbound = ctx.inbound;
        if (inbound.kind === 'attachment' || inbound.kind === 'unsupported' || inbound.kind === 'location') {
          ctx.nlu = { intent: 'sistema.solo_texto', score: 1, language: 'es' };
          ctx.reply({ kind: 'text', text: ONLY_TEXT });
          return;
        }
        const text = inbound.text ?? inbound.payload ?? '';
        if (/campa[ñn]a de la renta/i.test(text)) {
          ctx.nlu = { intent: 'renta.campana_fechas', score: 0.97, language: 'es' };
          ctx.reply({ kind: 'text', text: CAMPAIGN_ANSWER, short: CAMPAIGN_SHORT });
          return;
        }
        ctx.nlu = { intent: 'eco', score: 1, language: 'es' };
        ctx.reply({ kind: 'text', text: `eco: ${text}` });
      },
    ],
    async classify() {
      return { intent: 'None', score: 0, language: 'es', languageSource: 'default', alternatives: [], safety: false };
    },
    ready: () => true,
  };
}

/** What a Telegram user sees: MarkdownV2 escapes removed. */
export function unescapeMarkdownV2(text: string): string {
  return text.replace(/\\([_*[\]()~`>#+\-=|{}.!\\])/g, '$1');
}
