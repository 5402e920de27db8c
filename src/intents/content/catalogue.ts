/**
 * The default intent catalogue: every content set must provide exactly these ids (plus `None`).
 */

/** Intent ids, grouped by domain. `None` is the out-of-scope class. */
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

/** The out-of-scope intent. */
export const NONE_INTENT = 'None';

/** The emergency intents, answered by the safety net. */
export const EMERGENCY_INTENTS = ['emergencia.112', 'emergencia.016', 'emergencia.024'] as const;
export type EmergencyIntent = (typeof EMERGENCY_INTENTS)[number];

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
