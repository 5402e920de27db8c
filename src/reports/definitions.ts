/**
 * What the reports count: the slices, the roll-up metrics, the wait histogram, the hour buckets
 * and the reports configuration (service level per queue, in `config/queues.yaml` → `reports`).
 * The definitions of the indicators people read are in {@link INDICATORS}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { HubError } from '../core/errors.js';

/** The dimensions a report can be sliced by ('' in a row means "not applicable", e.g. no queue). */
export const SLICES = ['channel', 'queue', 'language', 'intent', 'agent'] as const;
export type SliceName = (typeof SLICES)[number];

export interface Slice {
  readonly channel: string;
  readonly queue: string;
  readonly language: string;
  readonly intent: string;
  readonly agent: string;
}

/** One increment of a roll-up row. */
export interface Delta {
  readonly bucket: string;
  readonly slice: Slice;
  readonly metric: string;
  readonly n: number;
  readonly total: number;
  readonly peak: number;
}

/** Upper bounds (seconds) of the speed-of-answer histogram; the p90 is read from it. */
export const WAIT_BOUNDS_SECONDS = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800] as const;

/** The histogram bucket (`wait_le:<s>` or `wait_le:inf`) a wait falls in. */
export function waitBucket(waitMs: number): string {
  for (const bound of WAIT_BOUNDS_SECONDS) if (waitMs <= bound * 1000) return `wait_le:${bound}`;
  return 'wait_le:inf';
}

/** Handoff reasons of the pipeline grouped as the issue reports them. */
export function reasonCategory(reason: string): 'citizen' | 'low-confidence' | 'emergency' | 'policy' {
  if (reason === 'citizen') return 'citizen';
  if (reason === 'low-confidence') return 'low-confidence';
  if (reason === 'emergency' || reason === 'safety-risk') return 'emergency';
  return 'policy';
}

/** Re-contact window of containment and first-contact resolution. */
export const RECONTACT_WINDOW_MS = 72 * 3_600_000;
/** Silence after which a citizen message starts a new contact ("conversation" in the volume figures). */
export const NEW_CONTACT_GAP_MS = 24 * 3_600_000;
/** The intent the NLU gives what it did not recognise. */
export const UNRECOGNISED_INTENT = 'None';

/** The UTC hour bucket of an instant: `YYYY-MM-DDTHH`. */
export function hourBucket(at: string | Date): string {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return iso.slice(0, 13);
}

/** The instant a bucket starts. */
export function bucketStart(bucket: string): Date {
  return new Date(`${bucket}:00:00.000Z`);
}

const ServiceLevelSchema = Type.Object(
  {
    /** Share of handed-over conversations that must be answered within T (0–1). */
    target: Type.Number({ minimum: 0, maximum: 1, default: 0.8 }),
    /** T per channel kind, seconds. */
    seconds: Type.Object(
      { chat: Type.Number({ minimum: 1, default: 20 }), email: Type.Number({ minimum: 1, default: 86400 }) },
      { additionalProperties: false, default: {} },
    ),
    /** Per-queue overrides of T (seconds) and the target. */
    queues: Type.Record(
      Type.String(),
      Type.Object({ seconds: Type.Optional(Type.Number({ minimum: 1 })), target: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })) }, { additionalProperties: false }),
      { default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/** The `reports` section of `config/queues.yaml`. */
export const ReportsConfigSchema = Type.Object({ serviceLevel: ServiceLevelSchema }, { additionalProperties: false, default: {} });
export type ReportsConfigFile = Static<typeof ReportsConfigSchema>;

/** Resolved reports configuration. */
export interface ReportsConfig {
  /** IANA zone of the queues: days, weeks and months are cut there. */
  readonly timezone: string;
  readonly serviceLevel: ReportsConfigFile['serviceLevel'];
}

/**
 * Validates the `reports` section (undefined: defaults). Throws `HUB_ERR_CONFIG` naming the key.
 */
export function resolveReportsConfig(raw: unknown, timezone: string): ReportsConfig {
  const withDefaults = Value.Default(ReportsConfigSchema, structuredClone(raw ?? {}));
  const first = [...Value.Errors(ReportsConfigSchema, withDefaults)][0];
  if (first !== undefined) {
    throw new HubError('HUB_ERR_CONFIG', `config/queues.yaml: reports${first.path.replaceAll('/', '.')}: ${first.message}. Fix: see the comments of the reports section`);
  }
  return { timezone, serviceLevel: (withDefaults as ReportsConfigFile).serviceLevel };
}

/** Reads `reports` (and `timezone`) from `<configDir>/queues.yaml`. */
export function loadReportsConfig(configDir: string, env: Readonly<Record<string, string | undefined>> = process.env): ReportsConfig {
  const raw = parseYaml(readFileSync(join(configDir, 'queues.yaml'), 'utf8')) as { timezone?: unknown; reports?: unknown } | null;
  const zone = env.VENTANILLA_TIMEZONE !== undefined && env.VENTANILLA_TIMEZONE !== '' ? env.VENTANILLA_TIMEZONE : typeof raw?.timezone === 'string' ? raw.timezone : 'Europe/Madrid';
  return resolveReportsConfig(raw?.reports, zone);
}

/** Service-level threshold T (ms) for a queue on a channel: the queue's own, else the channel kind's. */
export function serviceLevelMs(config: ReportsConfig, queueId: string, channel: string): number {
  const own = config.serviceLevel.queues[queueId]?.seconds;
  const seconds = own ?? (channel === 'email' ? config.serviceLevel.seconds.email : config.serviceLevel.seconds.chat);
  return seconds * 1000;
}

/** Service-level target of a queue (0–1). */
export function serviceLevelTarget(config: ReportsConfig, queueId?: string): number {
  return (queueId === undefined ? undefined : config.serviceLevel.queues[queueId]?.target) ?? config.serviceLevel.target;
}

/**
 * The indicators and their definitions, as the README, the API description and the page's
 * help show them.
 */
export const INDICATORS: Readonly<Record<string, { readonly label: string; readonly definition: string }>> = {
  conversations: { label: 'Conversaciones', definition: 'Contactos nuevos: el primer mensaje de una conversación o el primero tras 24 h de silencio.' },
  citizenMessages: { label: 'Mensajes de la ciudadanía', definition: 'Mensajes recibidos de la ciudadanía.' },
  botReplies: { label: 'Respuestas del bot', definition: 'Mensajes enviados por el bot.' },
  agentReplies: { label: 'Respuestas de agentes', definition: 'Mensajes enviados por agentes.' },
  containmentRate: {
    label: 'Contención del bot',
    definition: 'Respuestas del bot a una intención reconocida sin derivación a una persona ni nuevo contacto sobre la misma intención en 72 h, entre todas esas respuestas. Las últimas 72 h son provisionales.',
  },
  handoffRate: { label: 'Tasa de derivación', definition: 'Derivaciones a una persona entre conversaciones.' },
  unrecognisedRate: { label: 'No reconocidos', definition: 'Mensajes clasificados como None entre los mensajes que pasaron por el modelo.' },
  serviceLevel: {
    label: 'Nivel de servicio',
    definition: 'Derivaciones que un agente respondió en T segundos o menos (T por cola; 20 s en chat, 24 h en correo), entre las respondidas y las abandonadas; se compara con el objetivo (80 % por defecto).',
  },
  averageSpeedOfAnswer: { label: 'Espera media', definition: 'Media del tiempo desde la entrada en cola hasta la primera respuesta de un agente.' },
  p90SpeedOfAnswer: { label: 'Espera p90', definition: 'Percentil 90 de la espera, como límite superior del tramo del histograma (5 s, 10 s, 15 s, 20 s, 30 s…).' },
  longestWait: { label: 'Espera máxima', definition: 'La espera más larga hasta la primera respuesta de un agente.' },
  abandonmentRate: { label: 'Abandono', definition: 'Derivaciones que salieron de la cola (canceladas o caducadas) antes de que un agente respondiera, entre las derivaciones.' },
  averageHandlingTime: { label: 'Tiempo medio de gestión', definition: 'Media del tiempo desde la asignación a un agente hasta el cierre.' },
  transfersPerConversation: { label: 'Transferencias por derivación', definition: 'Transferencias entre colas o agentes divididas por las derivaciones.' },
  firstContactResolution: {
    label: 'Resolución en el primer contacto',
    definition: 'Conversaciones cerradas por un agente sin nuevo contacto sobre la misma intención en 72 h, entre las cerradas. Las últimas 72 h son provisionales.',
  },
  satisfaction: { label: 'Satisfacción', definition: 'Tasa de respuesta a la encuesta (respuestas / encuestas enviadas), distribución 1–5, media y CSAT (porcentaje de 4 y 5).' },
  safety: { label: 'Seguridad', definition: 'Emergencias detectadas por línea (112, 016, 024) y tiempo hasta un agente en las conversaciones urgentes.' },
};
