/**
 * Test helpers for the intent module: a fake conversation that runs turns through the real
 * middlewares (`compose` + `createTurnContext`) and keeps the conversation patch between turns.
 */
import type { InboundMessage, Language, OutboundMessage } from '../../src/core/message.js';
import { compose, createTurnContext, ephemeralConversation, type Middleware, type TurnContext } from '../../src/core/pipeline.js';
import type { Conversation } from '../../src/core/store/types.js';
import type { IntentsModule } from '../../src/intents/contract.js';

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  const now = new Date('2026-05-10T08:00:00Z');
  const inbound: InboundMessage = { id: 'm0', conversationKey: 'webchat:abc', from: { channel: 'webchat', id: 'abc' }, receivedAt: now, kind: 'text' };
  return ephemeralConversation(inbound, now, { id: 'conv-1', contactId: 'contact-1', ...overrides });
}

let counter = 0;

export function inboundOf(fields: Partial<InboundMessage> & Pick<InboundMessage, 'kind'>, locale?: string): InboundMessage {
  counter += 1;
  return {
    id: `m-${counter}`,
    conversationKey: 'webchat:abc',
    from: { channel: 'webchat', id: 'abc', ...(locale === undefined ? {} : { locale }) },
    receivedAt: new Date('2026-05-10T08:00:00Z'),
    ...fields,
  };
}

/** Plain text of a reply (choices included, numbered), for regex assertions. */
export function render(message: OutboundMessage): string {
  if (message.kind === 'text') return message.text;
  if (message.kind === 'choices') return `${message.text}\n${message.choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}`;
  return message.caption ?? message.url;
}

/** A conversation driven through safety + understand, the way the turn runner would. */
export class FakeChat {
  conversation: Conversation;
  last: TurnContext | undefined;
  private readonly pipeline: Middleware;
  nextCalled = false;

  constructor(module: IntentsModule, private readonly locale?: string, overrides: Partial<Conversation> = {}) {
    this.conversation = makeConversation(overrides);
    this.pipeline = compose([module.safety, ...module.understand]);
  }

  async send(text: string): Promise<TurnContext> {
    return this.turn(inboundOf({ kind: 'text', text }, this.locale));
  }

  async press(payload: string): Promise<TurnContext> {
    return this.turn(inboundOf({ kind: 'postback', payload }, this.locale));
  }

  async turn(inbound: InboundMessage): Promise<TurnContext> {
    const ctx = createTurnContext(inbound, this.conversation, new Date('2026-05-10T08:00:00Z'));
    this.nextCalled = false;
    await this.pipeline(ctx, async () => {
      this.nextCalled = true;
    });
    this.last = ctx;
    // What the runner commits: the patch becomes the conversation of the next turn.
    this.conversation = {
      ...this.conversation,
      ...(ctx.patch.language === undefined ? {} : { language: ctx.patch.language }),
      ...(ctx.patch.urgent === undefined ? {} : { urgent: ctx.patch.urgent }),
      ...(ctx.patch.state === undefined ? {} : { state: ctx.patch.state }),
      ...(ctx.handoff === undefined ? {} : { mode: 'queued' as const }),
    };
    return ctx;
  }

  /** All reply texts of the last turn joined. */
  text(): string {
    return (this.last?.replies ?? []).map((reply) => render(reply.message)).join('\n');
  }

  language(): Language | undefined {
    return this.last?.language;
  }
}
