/**
 * The contracts between the composition root and what it composes: the running {@link Hub}, the
 * {@link HubPlugin} every feature module (handoff, editor, admin pages) implements, and what a
 * channel factory receives. Feature modules import this file, never `app.ts` or `hub.ts`.
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ChannelDeps, ChannelModule } from './core/channel-port.js';
import type { HubEvents } from './core/events.js';
import type { ChannelId } from './core/message.js';
import type { DeliveryWorker } from './core/outbox.js';
import type { TurnRunner } from './core/runner.js';
import type { Store } from './core/store/index.js';
import type { TranscriptEntry } from './core/store/types.js';
import type { HubConfig } from './config.js';
import type { IntentsModule } from './intents/contract.js';

/** The running parts of the hub. */
export interface Hub {
  readonly app: FastifyInstance;
  readonly config: HubConfig;
  readonly store: Store;
  readonly runner: TurnRunner;
  readonly worker: DeliveryWorker;
  readonly events: HubEvents;
  readonly intents: IntentsModule;
  readonly logger: Logger;
  readonly channels: ReadonlyMap<ChannelId, ChannelModule>;
  /**
   * Starts delivery (unless `delivery: false`, for callers that drive `worker.deliverOnce()`),
   * resumes unprocessed messages and starts polling channels and plugins.
   */
  start(options?: { readonly delivery?: boolean }): Promise<void>;
}

/**
 * A module that adds routes and a lifecycle to the hub. `register` runs once while the app is
 * built (in the order plugins are given), `start` on `hub.start()` after delivery and resumed
 * turns, `stop` on close before running turns drain.
 */
export interface HubPlugin {
  readonly name: string;
  register(app: FastifyInstance, hub: Hub): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a plugin once the hub's parts exist. */
export type HubPluginFactory = (hub: Hub) => HubPlugin | Promise<HubPlugin>;

/** What a channel factory receives: the channel deps plus read access a web channel needs. */
export interface ChannelServices extends ChannelDeps {
  readonly events: HubEvents;
  /** The transcript of a conversation by key (empty when unknown). */
  readonly history: (conversationKey: string) => Promise<readonly TranscriptEntry[]>;
  readonly config: HubConfig;
  /** Where request limits count (@fastify/rate-limit store); undefined: each process in its memory. */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
  /**
   * Records the citizen's 👍/👎 on the bot answer delivered by outbox item `outboxId` of the
   * conversation `conversationKey` (idempotent; `unknown-answer` when that conversation has no
   * such bot answer). Absent when the hub records no feedback.
   */
  readonly feedback?: (conversationKey: string, outboxId: string, value: 'up' | 'down') => Promise<'recorded' | 'changed' | 'unchanged' | 'unknown-answer'>;
}

/** Builds one channel, or returns undefined when it is not configured. */
export type ChannelFactory = (services: ChannelServices) => ChannelModule | undefined | Promise<ChannelModule | undefined>;
