/**
 * How a transcript entry looks to an agent, in the REST API and in the live feed alike: the
 * bot's intent, score and language, who wrote it, whether it is internal (never sent to the
 * citizen), and for replies their delivery state in plain words (outbox internals stay out).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { OutboxItem, TranscriptEntry } from '../../core/store/types.js';
import { DeliverySchema, deliveryView } from './delivery-view.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const TranscriptItemSchema = Type.Object({
  id: Type.String(),
  author: Type.String(),
  kind: Type.String(),
  text: NullableString,
  intent: NullableString,
  score: Type.Union([Type.Number(), Type.Null()]),
  language: NullableString,
  createdAt: Type.String(),
  agentName: NullableString,
  internal: Type.Boolean({ description: 'Internal notes and system events: never sent to the citizen' }),
  choices: Type.Optional(Type.Array(Type.String())),
  subject: Type.Optional(Type.String({ description: 'The e-mail subject of a citizen message' })),
  delivery: Type.Optional(DeliverySchema),
});

export type TranscriptItem = Static<typeof TranscriptItemSchema>;

/**
 * The agent's view of one transcript entry; `delivery` is the outbox item of a reply, when the
 * caller read it (the REST API does; the live feed sends entries as they are written).
 */
export function transcriptItem(entry: TranscriptEntry, delivery?: OutboxItem, timeZone?: string): TranscriptItem {
  const data = entry.data ?? {};
  const message = data.message as { kind?: string; choices?: { title: string }[] } | undefined;
  return {
    id: entry.id,
    author: entry.author,
    kind: entry.kind,
    text: entry.text,
    intent: entry.intent,
    score: entry.score,
    language: entry.language,
    createdAt: entry.createdAt.toISOString(),
    agentName: typeof data.agentName === 'string' ? data.agentName : null,
    internal: entry.author === 'system' && entry.outboxId === null,
    ...(message?.kind === 'choices' && Array.isArray(message.choices) ? { choices: message.choices.map((c) => c.title) } : {}),
    ...(typeof data.subject === 'string' ? { subject: data.subject } : {}),
    ...(delivery === undefined ? {} : { delivery: deliveryView(delivery, timeZone) }),
  };
}
