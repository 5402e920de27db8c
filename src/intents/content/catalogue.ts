/**
 * The seed catalogue: the intents of the content the hub ships (`config/intents/`). It is where
 * content starts, not a closed set: editors add intents with any id matching
 * `INTENT_ID_PATTERN`, and the policy answers every intent the published content has. A few ids
 * the policy itself refers to are named here.
 */

/** Intent ids of the seed content, grouped by domain. `None` is the out-of-scope class. */
export const INTENT_IDS = [
  'conversacion.saludo',
  'conversacion.despedida',
  'conversacion.agradecimiento',
  'conversacion.ayuda',
  'conversacion.agente',
  'renta.plazos',
  'renta.cita',
  'renta.borrador',
  'renta.devolucion',
  'renta.obligacion',
  'renta.acceso',
  'renta.pago',
  'transporte.horarios',
  'transporte.tarifas',
  'transporte.incidencias',
  'transporte.objetos_perdidos',
  'transporte.accesibilidad',
  'tramites.cita_previa',
  'tramites.empadronamiento',
  'tramites.certificado_digital',
  'tramites.horario_atencion',
  'tramites.queja',
  'emergencia.112',
  'emergencia.016',
  'emergencia.024',
  'None',
] as const;

export type IntentId = (typeof INTENT_IDS)[number];

/** The out-of-scope intent: its answer asks the citizen to rephrase. */
export const NONE_INTENT = 'None';
/** The greeting: the answer to a conversation start (Telegram `/start`, Bot Framework welcome). */
export const GREETING_INTENT = 'conversacion.saludo';
/** "I want to talk to a person": the policy hands over, whatever the content says. */
export const AGENT_INTENT = 'conversacion.agente';
/** Intents every published content set needs, because the policy answers with them. */
export const POLICY_INTENTS: readonly string[] = [NONE_INTENT, GREETING_INTENT];

/** The emergency intents, answered by the safety net. */
export const EMERGENCY_INTENTS = ['emergencia.112', 'emergencia.016', 'emergencia.024'] as const;
export type EmergencyIntent = (typeof EMERGENCY_INTENTS)[number];

/** True for an id of the seed catalogue (the content files in `config/intents/` hold exactly these). */
export function isIntentId(value: string): value is IntentId {
  return (INTENT_IDS as readonly string[]).includes(value);
}

export function isEmergencyIntent(value: string): value is EmergencyIntent {
  return (EMERGENCY_INTENTS as readonly string[]).includes(value);
}

/** `renta.plazos` → `renta`; `None` → `None`. */
export function domainOf(intent: string): string {
  const dot = intent.indexOf('.');
  return dot === -1 ? intent : intent.slice(0, dot);
}
