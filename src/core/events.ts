/**
 * The hub's in-process event feed: what the agent console and analytics listen to. Events are
 * emitted only after the data they describe is committed.
 */
import { EventEmitter } from 'node:events';
import type { DeliveryFailure } from './delivery-failure.js';
import type { Conversation, OutboxItem, TranscriptEntry } from './store/types.js';

export type DeliveryOutcome = 'sent' | 'retry' | 'dead' | 'held';

/**
 * `custom` event type emitted after the cross-instance relay lost and regained its connection:
 * events of other instances may have been missed, so listeners that keep state re-read the store.
 */
export const RESYNC_EVENT = 'hub.resync';

/**
 * Every event may carry `relayed: true`: it happened on another instance and was re-emitted here
 * from the store (see `event-bridge.ts`). Listeners that write something in reaction (filing,
 * recording) skip relayed events: the instance where it happened already did.
 */
export interface HubEventMap {
  /**
   * A transcript entry was committed (citizen message, bot/agent reply, system event). `entry` is
   * the row as written: listeners need not read it back. A citizen message's entry is emitted when
   * it is stored, before its turn annotates it (see `turn`).
   */
  transcript: [{ readonly conversationId: string; readonly entry: TranscriptEntry; readonly relayed?: boolean }];
  /**
   * A citizen message's turn committed: its entry as the turn annotated it (intent, score,
   * language), emitted before that turn's own `transcript` entries. Local to the instance that ran
   * the turn (not relayed): whoever counts turns counts each once, where it committed.
   */
  turn: [{ readonly conversationId: string; readonly entry: TranscriptEntry; readonly relayed?: boolean }];
  /** A conversation changed (mode, language, urgent…). */
  conversation: [{ readonly conversation: Conversation; readonly relayed?: boolean }];
  /**
   * An outbox item was delivered, will be retried, was dead-lettered, or is held until the
   * citizen writes again (reply window closed). `failure` says why, for every outcome but `sent`.
   */
  delivery: [{ readonly item: OutboxItem; readonly outcome: DeliveryOutcome; readonly failure?: DeliveryFailure; readonly relayed?: boolean }];
  /**
   * Any module-specific event (handoff transitions, publishes); `type` namespaces it. A relayed
   * one keeps only the id-like fields of `data` (see `event-bridge.ts`).
   */
  custom: [{ readonly type: string; readonly conversationId?: string; readonly data: Readonly<Record<string, unknown>>; readonly relayed?: boolean }];
}

/** Typed event emitter for {@link HubEventMap}. */
export class HubEvents extends EventEmitter<HubEventMap> {
  constructor() {
    super();
    // Every open console tab is a listener; the default cap of 10 would warn on a busy contact center.
    this.setMaxListeners(0);
  }
}
