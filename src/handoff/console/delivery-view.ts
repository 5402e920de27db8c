/**
 * How a reply's delivery looks to an agent: its state in plain Spanish (sent, delivered, waiting,
 * held outside WhatsApp's 24-hour window, not delivered) and, when it failed, why — the network
 * or the platform's own words — and whether «Reintentar» applies.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { DeliveryFailure } from '../../core/delivery-failure.js';
import type { OutboxItem } from '../../core/store/types.js';

export const DELIVERY_STATES = ['pending', 'sending', 'retrying', 'sent', 'held', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const DeliverySchema = Type.Object({
  outboxId: Type.String(),
  state: Type.Union(DELIVERY_STATES.map((state) => Type.Literal(state)), {
    description: 'pending/sending: on its way; retrying: failed, will be retried; sent: the platform accepted it; held: waiting for the citizen to reopen the conversation; dead: will not be delivered unless retried',
  }),
  platformStatus: Type.Union([Type.String(), Type.Null()], { description: 'What the platform reported afterwards (WhatsApp: sent, delivered, read, failed)' }),
  attempts: Type.Integer(),
  label: Type.String({ description: 'The state in plain Spanish, for the agent' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it is not delivered yet, in plain Spanish' }),
  detail: Type.Union([Type.String(), Type.Null()], { description: 'Technical detail (the network error or the platform’s own description)' }),
  canRetry: Type.Boolean({ description: 'True when POST …/outbox/{outboxId}/retry applies (the reply is dead)' }),
});

export type DeliveryView = Static<typeof DeliverySchema>;

const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  x: 'X',
  botframework: 'Bot Framework',
  webchat: 'el chat web',
  terminal: 'el terminal',
};

const PLATFORM_STATUS: Readonly<Record<string, string>> = {
  delivered: 'Entregado',
  read: 'Leído',
  failed: 'Enviado, pero la plataforma informa de que no se pudo entregar',
};

function timeOf(iso: string | undefined, timeZone: string): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return ` el ${date.toLocaleString('es-ES', { timeZone, day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' })}`;
}

/**
 * Why a reply is not delivered, in plain Spanish. `held` words a window-closed failure as a wait;
 * times are shown in `timeZone` (the queues' time zone).
 */
export function deliveryReason(failure: DeliveryFailure, channel: string, held: boolean, timeZone = 'Europe/Madrid'): string {
  const name = CHANNEL_NAMES[channel] ?? channel;
  switch (failure.kind) {
    case 'refused':
      return `No se pudo conectar con ${name}: la conexión fue rechazada. Revisa la dirección de la API en la configuración.`;
    case 'timeout':
      return `${name} no respondió a tiempo.`;
    case 'dns':
      return `No se encontró el servidor de ${name} (fallo de DNS).`;
    case 'tls':
      return `Error de conexión segura (TLS o certificado) con ${name}.`;
    case 'bad-port':
      return `La dirección configurada para ${name} usa un puerto no permitido: hay que cambiar la configuración.`;
    case 'reset':
      return `${name} cortó la conexión antes de responder.`;
    case 'unreachable':
      return `No hay conexión de red con ${name}.`;
    case 'network':
      return `Fallo de red al contactar con ${name}.`;
    case 'http':
      return `${name} rechazó el mensaje (error ${failure.status ?? '?'}).`;
    case 'throttled':
      return `${name} pidió esperar por exceso de envíos.`;
    case 'window-closed':
      return held
        ? `Fuera de la ventana de 24 h de WhatsApp: plantilla enviada${timeOf(failure.reopenSentAt, timeZone)}, esperando respuesta. Se enviará en cuanto la persona conteste.`
        : 'Fuera de la ventana de 24 h de WhatsApp y sin plantilla de reapertura configurada (WHATSAPP_CLOUD_REOPEN_TEMPLATE): no se ha enviado. Pulsa «Reintentar» cuando la persona vuelva a escribir.';
    case 'reopen-failed':
      return 'Fuera de la ventana de 24 h de WhatsApp, y no se pudo enviar la plantilla que invita a retomar la conversación.';
    case 'unreachable-citizen':
      return `La persona ha bloqueado el bot o ha salido del chat en ${name}.`;
    case 'not-configured':
      return `El canal ${name} no está configurado en esta instancia del servidor.`;
    case 'unknown':
      return 'Error inesperado al enviar.';
  }
}

function stateOf(item: OutboxItem): DeliveryState {
  if (item.status === 'pending') return item.attempts > 0 ? 'retrying' : 'pending';
  return item.status;
}

const LABELS: Readonly<Record<DeliveryState, string>> = {
  pending: 'Pendiente de envío',
  sending: 'Enviando…',
  retrying: 'No se pudo enviar; se reintentará',
  sent: 'Enviado',
  held: 'Retenido',
  dead: 'No entregado',
};

/** The agent's view of one reply's delivery (times in `timeZone`, the queues' time zone). */
export function deliveryView(item: OutboxItem, timeZone = 'Europe/Madrid'): DeliveryView {
  const state = stateOf(item);
  const failure = state === 'sent' ? null : item.failure;
  const label = state === 'sent' && item.deliveryStatus !== null ? (PLATFORM_STATUS[item.deliveryStatus] ?? LABELS.sent) : LABELS[state];
  let reason: string | null = failure === null ? null : deliveryReason(failure, item.channel, state === 'held', timeZone);
  // Items dead-lettered before failures were recorded have only the English `last_error`.
  if (reason === null && state === 'dead') reason = 'No se pudo entregar.';
  if (state === 'retrying' && reason !== null) reason = `${reason} Intento ${item.attempts}; se reintentará${timeOf(item.nextAttemptAt.toISOString(), timeZone)}.`;
  return {
    outboxId: item.id,
    state,
    platformStatus: item.deliveryStatus,
    attempts: item.attempts,
    label,
    reason,
    detail: state === 'sent' ? null : (failure?.detail ?? item.lastError),
    canRetry: state === 'dead',
  };
}
