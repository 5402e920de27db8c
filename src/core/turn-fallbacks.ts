/**
 * What the runner says when the pipeline could not: an apology when a turn failed, and the
 * answer-or-person fallback when a bot turn would end with neither a reply nor a handoff. Both
 * are fixed texts in the five languages, so they hold whatever the content or the NLU does.
 */
import { isLanguage, type Language } from './message.js';
import type { TurnContext } from './pipeline.js';

/** Said when a turn failed: an apology beats silence. */
export const TURN_ERROR_APOLOGY: Readonly<Record<Language, string>> = {
  es: 'Lo siento, he tenido un problema técnico y no he podido responderte. Vuelve a intentarlo en unos minutos o llama al 060.',
  ca: 'Ho sento, he tingut un problema tècnic i no t’he pogut respondre. Torna-ho a provar d’aquí a uns minuts o truca al 060.',
  gl: 'Síntoo, tiven un problema técnico e non puiden responderte. Téntao de novo nuns minutos ou chama ao 060.',
  eu: 'Barkatu, arazo tekniko bat izan dut eta ezin izan dizut erantzun. Saiatu berriro minutu batzuk barru edo deitu 060ra.',
  en: 'Sorry, I had a technical problem and could not answer. Please try again in a few minutes or call 060.',
};

/**
 * Said when a bot turn would otherwise stay silent: ask to rephrase and say how to reach a person
 * (the word offered is one the default content hands over on, in each language).
 */
export const SILENT_TURN_FALLBACK: Readonly<Record<Language, string>> = {
  es: 'Perdona, no he sabido responder a eso. ¿Puedes decirlo con otras palabras? Si prefieres que te atienda una persona, escribe «persona».',
  ca: 'Perdona, no he sabut respondre a això. Ho pots dir amb altres paraules? Si prefereixes que t’atengui una persona, escriu «persona».',
  gl: 'Perdoa, non souben responder a iso. Podes dicilo con outras palabras? Se prefires que te atenda unha persoa, escribe «persoa».',
  eu: 'Barkatu, ez dakit horri erantzuten. Beste hitz batzuekin esan dezakezu? Pertsona batekin hitz egin nahi baduzu, idatzi «pertsona».',
  en: 'Sorry, I could not answer that. Could you say it in other words? If you would rather talk to a person, type “person”.',
};

/** True while the bot owns the conversation: nobody holds it or waits for a person. */
export function isBotTurn(ctx: TurnContext): boolean {
  return ctx.conversation.mode !== 'queued' && ctx.conversation.mode !== 'agent';
}

/** True when a turn passes the conversation to a person (a handoff request or a mode change). */
export function handsOver(ctx: TurnContext): boolean {
  return ctx.handoff !== undefined || ctx.patch.mode === 'queued' || ctx.patch.mode === 'agent';
}

/** True when the citizen would see something: an attachment or a text with a visible character. */
function visible(reply: TurnContext['replies'][number]): boolean {
  const message = reply.message;
  return message.kind === 'attachment' || message.text.trim().length > 0;
}

/**
 * The never-silent invariant, checked after the pipeline: a bot turn that ends with no visible
 * reply and no handoff. Turns of a conversation a person holds are silent on purpose (the words
 * go to the agent), so they never count.
 */
export function endsSilent(ctx: TurnContext): boolean {
  return isBotTurn(ctx) && !handsOver(ctx) && !ctx.replies.some(visible);
}

/**
 * The language a runner-made reply uses: the turn's, else the conversation's, else the
 * participant's locale (`ca-ES` → `ca`), else Spanish.
 */
export function turnLanguage(ctx: TurnContext): Language {
  const locale = ctx.inbound.from.locale?.slice(0, 2).toLowerCase();
  return ctx.language ?? ctx.patch.language ?? ctx.conversation.language ?? (isLanguage(locale) ? locale : 'es');
}

/** What a silent turn had recognised (for the transcript event and the alert). */
export interface SilentTurn {
  readonly intent: string | null;
  readonly score: number | null;
  readonly language: Language;
  readonly kind: string;
}

/**
 * Makes a silent turn answer: adds {@link SILENT_TURN_FALLBACK} in the turn's language and a
 * `turn.silent` transcript event saying what had been recognised, which it returns. Used by the
 * runner, and by dry runs that must show what the citizen would get (the editor's "Probar").
 */
export function answerSilentTurn(ctx: TurnContext): SilentTurn {
  const language = turnLanguage(ctx);
  const recognised: SilentTurn = { intent: ctx.nlu?.intent ?? null, score: ctx.nlu?.score ?? null, language, kind: ctx.inbound.kind };
  ctx.replies.push({ message: { kind: 'text', text: SILENT_TURN_FALLBACK[language] }, author: 'bot', intent: recognised.intent, score: recognised.score, language, data: { fallback: 'silent-turn' } });
  ctx.events.push({ author: 'system', kind: 'turn.silent', data: { ...recognised } });
  return recognised;
}
