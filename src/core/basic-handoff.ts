/**
 * The handoff used when no queue module is wired (tests, `ventanilla chat`): a conversation that
 * asks for a person goes to `queued`, the citizen is told how to reach one, and the bot stays
 * silent until the conversation is handed back.
 */
import type { HandoffPort } from './handoff-port.js';
import type { Language } from './message.js';

const QUEUED: Readonly<Record<Language, string>> = {
  es: 'Te paso con una persona del equipo de atención. Te escribirá por aquí en cuanto esté disponible. Si es urgente, llama al 060.',
  ca: 'Et passo amb una persona de l’equip d’atenció. T’escriurà per aquí tan aviat com estigui disponible. Si és urgent, truca al 060.',
  gl: 'Paso a túa conversa a unha persoa do equipo de atención. Escribirache por aquí en canto estea dispoñible. Se é urxente, chama ao 060.',
  eu: 'Arreta-taldeko pertsona batekin jarriko zaitut harremanetan. Libre dagoenean hemendik idatziko dizu. Premiazkoa bada, deitu 060ra.',
  en: 'I am passing you to a person from our service team. They will write to you here as soon as they are available. If it is urgent, call 060.',
};

/** A HandoffPort with no queue: mode switch only. */
export function createBasicHandoff(): HandoffPort {
  return {
    async mode(ctx, next) {
      if (ctx.conversation.mode === 'queued' || ctx.conversation.mode === 'agent') return;
      await next();
    },
    async escalate(ctx) {
      const request = ctx.handoff;
      if (request === undefined) return;
      ctx.events.push({ author: 'system', kind: 'handoff.requested', data: { reason: request.reason, priority: request.priority, queue: request.queue ?? null } });
      if (ctx.conversation.mode === 'queued' || ctx.conversation.mode === 'agent') return;
      ctx.patch.mode = 'queued';
      if (request.priority === 'urgent') ctx.patch.urgent = true;
      // The emergency answer already told the citizen what to do; do not bury it under a queue notice.
      if (request.reason !== 'emergency') ctx.reply({ kind: 'text', text: QUEUED[ctx.language ?? ctx.conversation.language ?? 'es'] });
    },
  };
}
