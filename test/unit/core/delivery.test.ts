/**
 * Delivery that one slow chat cannot stall and a retry cannot repeat: each send is recorded as it
 * completes, conversations are delivered independently (order kept within each), a split reply
 * resumes after the parts the platform accepted, and a reply that will never arrive raises an
 * alert with the reason.
 */
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../../src/app.js';
import type { ChannelAdapter, ChannelCapabilities } from '../../../src/core/channel-port.js';
import { channelHttpError, HubError, REPLY_WINDOW_CLOSED } from '../../../src/core/errors.js';
import { HubEvents, type HubEventMap } from '../../../src/core/events.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../../src/core/message.js';
import { DeliveryWorker } from '../../../src/core/outbox.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { hubWithAdapter } from '../../helpers/hub-with-adapter.js';

let counter = 0;
function message(text: string, user: string): InboundMessage {
  counter += 1;
  return { id: `d${counter}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

const textOf = (message: OutboundMessage): string => (message.kind === 'attachment' ? message.url : message.text);

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A platform whose answers the test controls: sends to a blocked conversation wait until it is
 * released (a chat whose API call hangs); every other send is accepted at once.
 */
class GatedPlatform implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  readonly capabilities: ChannelCapabilities = { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' };
  /** Accepted sends, in the order the platform accepted them. */
  readonly accepted: { readonly to: string; readonly text: string }[] = [];
  /** Sends started (accepted or not). */
  readonly started: string[] = [];
  private readonly gates = new Map<string, { promise: Promise<void>; open: () => void }>();

  block(conversationKey: string): void {
    let open = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gates.set(conversationKey, { promise, open });
  }

  release(conversationKey: string): void {
    this.gates.get(conversationKey)?.open();
    this.gates.delete(conversationKey);
  }

  async send(to: Recipient, outbound: OutboundMessage): Promise<{ id: string }> {
    this.started.push(to.conversationKey);
    await this.gates.get(to.conversationKey)?.promise;
    this.accepted.push({ to: to.conversationKey, text: textOf(outbound) });
    return { id: `p-${this.accepted.length}` };
  }

  sentTo(conversationKey: string): string[] {
    return this.accepted.filter((sent) => sent.to === conversationKey).map((sent) => sent.text);
  }
}


describe('delivery across conversations', () => {
  let hub: Hub | undefined;
  let platform: GatedPlatform | undefined;
  afterEach(async () => {
    for (const key of ['webchat:slow', 'webchat:quick']) platform?.release(key);
    await hub?.app.close();
    hub = undefined;
  });

  it("a hanging send does not delay another conversation's reply, which is recorded as sent at once", async () => {
    platform = new GatedPlatform();
    platform.block('webchat:slow');
    hub = await hubWithAdapter(platform);
    const running = hub;
    await running.runner.accept(message('hola', 'slow'));
    await until(() => platform?.started.includes('webchat:slow') === true, 'the slow send to start');
    await running.runner.accept(message('buenas', 'quick'));
    await until(() => platform?.sentTo('webchat:quick').length === 1, 'the quick reply while the slow one hangs');
    await until(async () => (await running.store.listOutbox('sent', 10)).length === 1, 'the quick reply to be recorded as sent');
    expect(platform.sentTo('webchat:slow')).toEqual([]);
    expect((await running.store.listOutbox('sending', 10)).map((item) => item.recipient.conversationKey)).toEqual(['webchat:slow']);
    platform.release('webchat:slow');
    await until(() => platform?.sentTo('webchat:slow').length === 1, 'the slow reply once released');
  });

  it('a slow reply holds back the later replies of its own conversation only, and order holds', async () => {
    platform = new GatedPlatform();
    platform.block('webchat:slow');
    hub = await hubWithAdapter(platform);
    const running = hub;
    await running.runner.accept(message('hola uno', 'slow'));
    await until(() => platform?.started.includes('webchat:slow') === true, 'the slow send to start');
    await running.runner.acceptAndWait(message('hola dos', 'slow'));
    await running.runner.accept(message('tres', 'quick'));
    await until(() => platform?.sentTo('webchat:quick').length === 1, 'the other conversation');
    // The second reply of the slow conversation waits for the first.
    expect(platform.started.filter((key) => key === 'webchat:slow')).toHaveLength(1);
    platform.release('webchat:slow');
    await until(() => platform?.sentTo('webchat:slow').length === 2, 'both slow replies');
    expect(platform.sentTo('webchat:slow')).toEqual(['¡Hola! ¿En qué puedo ayudarte? (hola uno)', '¡Hola! ¿En qué puedo ayudarte? (hola dos)']);
  });
});

/** A narrow channel that splits replies into parts, failing the sends the test names. */
class SplittingPlatform implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  readonly capabilities: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: 60, markup: 'none' };
  readonly accepted: string[] = [];
  calls = 0;
  constructor(private readonly fails: (call: number) => boolean) {}
  async send(_to: Recipient, outbound: OutboundMessage): Promise<{ id: string }> {
    this.calls += 1;
    if (this.fails(this.calls)) throw channelHttpError('webchat', 500, 'simulated outage');
    this.accepted.push(textOf(outbound));
    return { id: `part-${this.accepted.length}` };
  }
}

const LONG = 'hola. Primera frase bastante larga del ciudadano. Segunda frase que también ocupa. Tercera frase para acabar.';

describe('a reply split into parts', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.app.close();
    hub = undefined;
  });

  it('when part 2 fails, the retry sends part 2 and the rest, never part 1 again', async () => {
    const platform = new SplittingPlatform((call) => call === 2);
    hub = await hubWithAdapter(platform);
    const running = hub;
    await running.runner.accept(message(LONG, 'partes'));
    await until(async () => (await running.store.listOutbox('sent', 10)).length === 1, 'the reply to be sent');
    const whole = `¡Hola! ¿En qué puedo ayudarte? (${LONG})`;
    expect(platform.accepted.length).toBeGreaterThanOrEqual(3);
    expect(new Set(platform.accepted).size).toBe(platform.accepted.length);
    expect(platform.accepted.join(' ')).toBe(whole);
    expect(platform.calls).toBe(platform.accepted.length + 1);
  });

  it('property: whatever sends fail, every part is accepted exactly once and in order', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.boolean(), { maxLength: 10 }), async (sentences, pattern) => {
          const failures = [...pattern];
          const platform = new SplittingPlatform(() => failures.shift() === true);
          const text = Array.from({ length: sentences }, (_, index) => `Frase número ${index + 1} de una respuesta algo larga.`).join(' ');
          await deliverUntilSent(store, platform, text);
          expect(platform.accepted.join(' ')).toBe(text);
          expect(platform.accepted).toHaveLength(sentences);
        }),
        { numRuns: 60 },
      );
    } finally {
      await store.close();
    }
  });
});

/** Enqueues `text` in a fresh conversation and drives a worker until it is sent. */
async function deliverUntilSent(store: Store, platform: ChannelAdapter, text: string): Promise<void> {
  const { conversation, inbound } = await store.ingest(message('hola', `prop-${counter}`));
  const { outbox } = await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text }, author: 'bot' }] });
  const id = outbox[0]?.id ?? '';
  const worker = new DeliveryWorker({
    store,
    adapters: new Map([['webchat', platform]]),
    events: new HubEvents(),
    logger: pino({ level: 'silent' }),
    policy: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 100 },
  });
  for (let round = 0; round < 100; round += 1) {
    await worker.deliverOnce();
    if ((await store.getOutbox(id))?.status === 'sent') return;
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  throw new Error('not sent after 100 rounds');
}

describe('a reply that will never arrive', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.app.close();
    hub = undefined;
  });

  it('raises alert.delivery_failed with the reason, and keeps the platform status and words', async () => {
    const platform: ChannelAdapter = {
      channel: 'webchat',
      capabilities: { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' },
      async send() {
        throw channelHttpError('webchat', 400, 'Bad Request: chat not found');
      },
    };
    hub = await hubWithAdapter(platform);
    const running = hub;
    const alerts: HubEventMap['custom'][0][] = [];
    running.events.on('custom', (event) => {
      if (event.type.startsWith('alert.')) alerts.push(event);
    });
    await running.runner.accept(message('hola', 'perdida'));
    await until(async () => (await running.store.listOutbox('dead', 10)).length === 1, 'the dead letter');
    const [dead] = await running.store.listOutbox('dead', 10);
    expect(dead?.failure).toEqual({ kind: 'http', status: 400, detail: 'webchat API answered 400: Bad Request: chat not found' });
    await until(() => alerts.length === 1, 'the alert');
    expect(alerts[0]).toEqual({
      type: 'alert.delivery_failed',
      conversationId: dead?.conversationId,
      data: { outboxId: dead?.id, channel: 'webchat', failure: 'http', status: 400, detail: 'webchat API answered 400: Bad Request: chat not found' },
    });
  });
});

/** A channel whose reply window is closed for everyone: sends refuse, invitations go through `reopen`. */
function windowClosedPlatform(reopen: () => Promise<{ id: string }>): ChannelAdapter & { invitations: number } {
  const platform = {
    channel: 'webchat' as const,
    capabilities: { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' as const },
    invitations: 0,
    async send(): Promise<{ id: string }> {
      throw new HubError('HUB_ERR_CHANNEL_PERMANENT', 'outside the 24-hour window', { details: { reason: REPLY_WINDOW_CLOSED } });
    },
    async reopen(): Promise<{ id: string }> {
      platform.invitations += 1;
      return reopen();
    },
  };
  return platform;
}

describe('outside the reply window', () => {
  it('sends one invitation for the first reply, holds every reply, and tells listeners', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    try {
      const platform = windowClosedPlatform(async () => ({ id: 'template-1' }));
      const events = new HubEvents();
      const outcomes: string[] = [];
      events.on('delivery', (event) => outcomes.push(`${event.outcome}:${event.failure?.kind ?? ''}`));
      const worker = new DeliveryWorker({ store, adapters: new Map([['webchat', platform]]), events, logger: pino({ level: 'silent' }) });
      const { conversation, inbound } = await store.ingest(message('hola', 'ventana'));
      await store.completeTurn({
        inboundId: inbound.id,
        conversationId: conversation.id,
        replies: [
          { message: { kind: 'text', text: 'uno' }, author: 'agent' },
          { message: { kind: 'text', text: 'dos' }, author: 'agent' },
        ],
      });
      await worker.deliverOnce();
      expect(platform.invitations).toBe(1);
      const held = await store.listOutbox('held', 10);
      expect(held).toHaveLength(2);
      expect(held.every((item) => item.failure?.kind === 'window-closed' && typeof item.failure.reopenSentAt === 'string')).toBe(true);
      expect(outcomes).toEqual(['held:window-closed', 'held:window-closed']);
      expect(await worker.deliverOnce()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('an invitation the platform refuses dead-letters the reply with that reason', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    try {
      const platform = windowClosedPlatform(async () => {
        throw channelHttpError('WhatsApp Graph', 404, 'Template name does not exist in the translation (code 132001)');
      });
      const worker = new DeliveryWorker({ store, adapters: new Map([['webchat', platform]]), events: new HubEvents(), logger: pino({ level: 'silent' }) });
      const { conversation, inbound } = await store.ingest(message('hola', 'plantilla-mala'));
      await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'uno' }, author: 'agent' }] });
      await worker.deliverOnce();
      const [dead] = await store.listOutbox('dead', 10);
      expect(dead?.failure).toMatchObject({ kind: 'reopen-failed', status: 404, detail: expect.stringContaining('Template name does not exist') });
      expect(await store.listOutbox('held', 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

