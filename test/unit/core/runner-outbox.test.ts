import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../../src/app.js';
import type { InboundMessage } from '../../../src/core/message.js';
import { RecordingAdapter } from '../../helpers/recording-adapter.js';
import { hubWithAdapter } from '../../helpers/hub-with-adapter.js';

let counter = 0;

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
function message(text: string, user = 'ana', id = `m${++counter}`): InboundMessage {
  return { id, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

describe('turn runner and delivery worker', () => {
  let hub: Hub | undefined;
  afterEach(async () => {
    await hub?.app.close();
    hub = undefined;
  });

  it('answers a message once even when the channel delivers it twice', async () => {
    const adapter = new RecordingAdapter();
    hub = await hubWithAdapter(adapter);
    const first = await hub.runner.accept(message('hola', 'ana', 'dup-1'));
    const second = await hub.runner.accept(message('hola', 'ana', 'dup-1'));
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    await adapter.waitForSent(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(adapter.texts()).toEqual(['¡Hola! ¿En qué puedo ayudarte? (hola)']);
  });

  it('keeps each conversation in order while serving many at once', async () => {
    const adapter = new RecordingAdapter();
    hub = await hubWithAdapter(adapter);
    const users = ['u1', 'u2', 'u3', 'u4'];
    await Promise.all(users.flatMap((user) => [1, 2, 3, 4, 5].map((n) => hub?.runner.accept(message(`hola ${n}`, user)))));
    await adapter.waitForSent(20);
    for (const user of users) {
      const mine = adapter.sent.filter((s) => s.to.participant.id === user).map((s) => (s.message.kind === 'text' ? s.message.text : ''));
      expect(mine).toEqual([1, 2, 3, 4, 5].map((n) => `¡Hola! ¿En qué puedo ayudarte? (hola ${n})`));
    }
  });

  it('retries a 5xx and a timeout with growing delays, then delivers exactly once', async () => {
    const adapter = new RecordingAdapter();
    adapter.failures = [{ status: 503 }, { hang: true }, { status: 500 }];
    hub = await hubWithAdapter(adapter);
    await hub.runner.accept(message('hola'));
    await adapter.waitForSent(1);
    expect(adapter.attempts.map((a) => a.ok)).toEqual([false, false, false, true]);
    expect(adapter.sent).toHaveLength(1);
    const store = hub.store;
    await waitFor(async () => (await store.listOutbox('sent', 10)).length === 1);
    const [sent] = await store.listOutbox('sent', 10);
    expect(sent?.attempts).toBe(3);
  });

  it('waits as long as a 429 retry-after says', async () => {
    const adapter = new RecordingAdapter();
    adapter.failures = [{ status: 429, retryAfterMs: 400 }];
    hub = await hubWithAdapter(adapter);
    await hub.runner.accept(message('hola'));
    await adapter.waitForSent(1);
    const [failed, ok] = adapter.attempts;
    expect(ok !== undefined && failed !== undefined && ok.at - failed.at).toBeGreaterThanOrEqual(390);
  });

  it('dead-letters after the configured attempts and delivers when an operator retries', async () => {
    const adapter = new RecordingAdapter();
    adapter.failures = [{ status: 500 }, { status: 500 }, { status: 500 }];
    hub = await hubWithAdapter(adapter, { maxAttempts: 3 });
    await hub.runner.accept(message('hola'));
    const deadline = Date.now() + 10_000;
    while ((await hub.store.listOutbox('dead', 10)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const [dead] = await hub.store.listOutbox('dead', 10);
    expect(dead?.attempts).toBe(3);
    expect(dead?.lastError).toContain('500');
    expect(adapter.sent).toHaveLength(0);
    expect(await hub.store.retryDeadOutbox()).toBe(1);
    hub.worker.kick();
    await adapter.waitForSent(1);
    expect(adapter.texts()).toEqual(['¡Hola! ¿En qué puedo ayudarte? (hola)']);
  });

  it('a permanent refusal (403 blocked) is dead-lettered at once, without a retry storm', async () => {
    const adapter = new RecordingAdapter();
    adapter.failures = [{ status: 403 }];
    hub = await hubWithAdapter(adapter);
    await hub.runner.accept(message('hola'));
    const deadline = Date.now() + 5_000;
    while ((await hub.store.listOutbox('dead', 10)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(adapter.attempts).toHaveLength(1);
  });

  it('apologises instead of staying silent when a turn fails', async () => {
    const adapter = new RecordingAdapter();
    hub = await hubWithAdapter(adapter, { failOn: 'boom' });
    await hub.runner.accept(message('boom'));
    await adapter.waitForSent(1);
    expect(adapter.texts()[0]).toMatch(/problema técnico/);
    const conversation = await hub.store.getConversationByKey('webchat:ana');
    const transcript = await hub.store.getTranscript(conversation?.id ?? '');
    expect(transcript.map((e) => e.kind)).toContain('turn.error');
  });

  it('escalates to a person and keeps the bot silent while queued; an emergency is answered at once', async () => {
    const adapter = new RecordingAdapter();
    hub = await hubWithAdapter(adapter);
    await hub.runner.acceptAndWait(message('quiero hablar con una persona', 'eva'));
    await adapter.waitForSent(1);
    expect(adapter.texts()[0]).toMatch(/Te paso con una persona/);
    const queued = await hub.store.getConversationByKey('webchat:eva');
    expect(queued?.mode).toBe('queued');
    await hub.runner.acceptAndWait(message('hola?', 'eva'));
    await hub.runner.acceptAndWait(message('quiero morir', 'eva'));
    await adapter.waitForSent(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(adapter.texts()).toEqual([expect.stringMatching(/Te paso/), 'Llama al 024.']);
    expect((await hub.store.getConversationByKey('webchat:eva'))?.urgent).toBe(true);
    const transcript = await hub.store.getTranscript(queued?.id ?? '');
    expect(transcript.filter((e) => e.author === 'citizen').map((e) => e.text)).toEqual(['quiero hablar con una persona', 'hola?', 'quiero morir']);
  });

  it('splits a reply longer than the channel allows, at sentence boundaries', async () => {
    const adapter = new RecordingAdapter('webchat', { choices: false, attachments: false, maxTextLength: 60, markup: 'none' });
    hub = await hubWithAdapter(adapter);
    const long = 'hola ' + 'Primera frase bastante larga del ciudadano. '.repeat(3);
    await hub.runner.accept(message(long));
    await adapter.waitForSent(4);
    expect(adapter.texts().every((t) => t.length <= 60)).toBe(true);
    // Nothing lost or reordered: the chunks put together are the whole reply.
    expect(adapter.texts().join('').replace(/\s+/g, '')).toBe(`¡Hola! ¿En qué puedo ayudarte? (${long.trim()})`.replace(/\s+/g, ''));
    // Every cut falls after a sentence, never inside a word.
    expect(adapter.texts().slice(0, -1).every((t) => /[.!?]$/.test(t))).toBe(true);
  });
});

describe('reply routing', () => {
  it('threads each reply under the message it answers, even when the citizen wrote again meanwhile', async () => {
    const adapter = new RecordingAdapter();
    const hub = await hubWithAdapter(adapter);
    try {
      const first = { ...message('hola uno', 'rita'), replyContext: { inReplyTo: 'tweet-1' } };
      const second = { ...message('hola dos', 'rita'), replyContext: { inReplyTo: 'tweet-2' } };
      await Promise.all([hub.runner.accept(first), hub.runner.accept(second)]);
      await adapter.waitForSent(2);
      expect(adapter.sent.map((s) => [s.to.replyContext?.inReplyTo, s.message.kind === 'text' ? s.message.text : ''])).toEqual([
        ['tweet-1', '¡Hola! ¿En qué puedo ayudarte? (hola uno)'],
        ['tweet-2', '¡Hola! ¿En qué puedo ayudarte? (hola dos)'],
      ]);
    } finally {
      await hub.app.close();
    }
  });
});
