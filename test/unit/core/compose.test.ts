import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import type { InboundMessage } from '../../../src/core/message.js';
import { compose, createTurnContext, ephemeralConversation, type Middleware } from '../../../src/core/pipeline.js';

const NOW = new Date('2026-03-02T09:00:00Z');
const inbound: InboundMessage = { id: 'm1', conversationKey: 'webchat:s1', from: { channel: 'webchat', id: 's1' }, receivedAt: NOW, kind: 'text', text: 'hola' };
const context = () => createTurnContext(inbound, ephemeralConversation(inbound, NOW), NOW);

describe('compose', () => {
  it('runs middlewares in order, unwinding after next, and calls the final step last', async () => {
    const trace: string[] = [];
    const step = (name: string): Middleware => async (_ctx, next) => {
      trace.push(`${name}:in`);
      await next();
      trace.push(`${name}:out`);
    };
    await compose([step('a'), step('b')])(context(), async () => {
      trace.push('end');
    });
    expect(trace).toEqual(['a:in', 'b:in', 'end', 'b:out', 'a:out']);
  });

  it('stops where a middleware answers without calling next', async () => {
    const trace: string[] = [];
    const ctx = context();
    await compose([
      async (turn) => {
        turn.reply({ kind: 'text', text: 'Llama al 112.' });
        trace.push('safety');
      },
      async (_turn, next) => {
        trace.push('intents');
        await next();
      },
    ])(ctx, async () => {
      trace.push('end');
    });
    expect(trace).toEqual(['safety']);
    expect(ctx.replies.map((reply) => reply.message)).toEqual([{ kind: 'text', text: 'Llama al 112.' }]);
  });

  it('refuses a second next() from the same middleware with HUB_ERR_NEXT_CALLED_TWICE', async () => {
    let ends = 0;
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    const error = await compose([twice])(context(), async () => {
      ends += 1;
    }).catch((caught: unknown) => caught);
    expect(isHubError(error, 'HUB_ERR_NEXT_CALLED_TWICE')).toBe(true);
    expect(ends).toBe(1);
  });

  it('passes an error thrown downstream up to the caller', async () => {
    const boom = new Error('boom');
    await expect(compose([async (_ctx, next) => next(), async () => Promise.reject(boom)])(context(), async () => undefined)).rejects.toBe(boom);
  });

  it('with no middlewares calls only the final step', async () => {
    let ended = false;
    await compose([])(context(), async () => {
      ended = true;
    });
    expect(ended).toBe(true);
  });
});
