import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelModule, InboundSink } from '../../../../src/core/channel-port.js';
import { createWebchatChannel, webchatConversationKey } from '../../../../src/bots/webchat/index.js';
import { HubEvents } from '../../../../src/core/events.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../../../src/core/message.js';
import type { TranscriptEntry } from '../../../../src/core/store/types.js';

/** A sink that dedupes on the message id, as the store does. */
class FakeSink implements InboundSink {
  readonly calls: InboundMessage[] = [];
  readonly stored = new Map<string, InboundMessage>();
  async accept(message: InboundMessage): Promise<{ duplicate: boolean; conversationId: string }> {
    this.calls.push(message);
    const duplicate = this.stored.has(message.id);
    if (!duplicate) this.stored.set(message.id, message);
    return { duplicate, conversationId: `conv-${message.conversationKey}` };
  }
}

const silentLogger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

interface Harness {
  app: FastifyInstance;
  channel: ChannelModule;
  sink: FakeSink;
  events: HubEvents;
  transcripts: Map<string, TranscriptEntry[]>;
}

const apps: FastifyInstance[] = [];

async function harness(): Promise<Harness> {
  const sink = new FakeSink();
  const events = new HubEvents();
  const transcripts = new Map<string, TranscriptEntry[]>();
  const channel = createWebchatChannel({
    sink,
    logger: silentLogger,
    cursors: { get: async () => undefined, set: async () => {} },
    history: async (key) => transcripts.get(key) ?? [],
    events,
  });
  const app = Fastify();
  const routes = channel.routes;
  if (routes === undefined) throw new Error('webchat has routes');
  await app.register(routes.plugin, { prefix: routes.prefix });
  apps.push(app);
  return { app, channel, sink, events, transcripts };
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function newSession(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/webchat/api/sessions' });
  expect(response.statusCode).toBe(200);
  return (response.json() as { sessionId: string }).sessionId;
}

function entry(partial: Partial<TranscriptEntry> & Pick<TranscriptEntry, 'id' | 'author' | 'text'>): TranscriptEntry {
  return {
    conversationId: 'conv-1',
    kind: 'text',
    data: null,
    intent: null,
    score: null,
    language: null,
    outboxId: null,
    createdAt: new Date('2025-03-01T10:00:00Z'),
    ...partial,
  };
}

function recipient(sessionId: string): Recipient {
  return { participant: { channel: 'webchat', id: sessionId }, conversationKey: webchatConversationKey(sessionId) };
}

describe('webchat sessions', () => {
  it('creates distinct, unguessable session ids', async () => {
    const { app } = await harness();
    const first = await newSession(app);
    const second = await newSession(app);
    expect(first).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(second).not.toBe(first);
  });
});

describe('POST /webchat/api/messages', () => {
  it('accepts a text message once per clientMessageId, after the sink stored it', async () => {
    const { app, sink } = await harness();
    const sessionId = await newSession(app);
    const body = { sessionId, clientMessageId: randomUUID(), text: ' hola ', locale: 'es-ES' };

    const first = await app.inject({ method: 'POST', url: '/webchat/api/messages', payload: body });
    const retry = await app.inject({ method: 'POST', url: '/webchat/api/messages', payload: body });

    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ accepted: true, duplicate: false });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toEqual({ accepted: true, duplicate: true });
    expect(sink.stored.size).toBe(1);
    const [stored] = [...sink.stored.values()];
    expect(stored).toMatchObject({
      conversationKey: `webchat:${sessionId}`,
      from: { channel: 'webchat', id: sessionId, locale: 'es-ES' },
      kind: 'text',
      text: 'hola',
    });
    expect(sink.calls.map((m) => m.id)).toEqual([stored?.id, stored?.id]);
  });

  it('sends a choice button press as a postback', async () => {
    const { app, sink } = await harness();
    const sessionId = await newSession(app);
    const response = await app.inject({
      method: 'POST',
      url: '/webchat/api/messages',
      payload: { sessionId, clientMessageId: randomUUID(), text: 'Renta', payload: 'intent:renta' },
    });
    expect(response.statusCode).toBe(202);
    expect(sink.calls[0]).toMatchObject({ kind: 'postback', payload: 'intent:renta', text: 'Renta' });
  });

  it('rejects an empty or whitespace-only message with a 400 that names the field', async () => {
    const { app, sink } = await harness();
    const sessionId = await newSession(app);
    for (const text of ['', '   \n\t ']) {
      const response = await app.inject({
        method: 'POST',
        url: '/webchat/api/messages',
        payload: { sessionId, clientMessageId: randomUUID(), text },
      });
      expect(response.statusCode).toBe(400);
      expect((response.json() as { message: string }).message).toMatch(/text is empty/);
    }
    expect(sink.calls).toHaveLength(0);
  });

  it('accepts a 10,000-character message and rejects a longer one naming the field', async () => {
    const { app, sink } = await harness();
    const sessionId = await newSession(app);
    const long = 'a'.repeat(10_000);
    const ok = await app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text: long } });
    expect(ok.statusCode).toBe(202);
    expect(sink.calls[0]?.text).toHaveLength(10_000);

    const tooLong = await app.inject({
      method: 'POST',
      url: '/webchat/api/messages',
      payload: { sessionId, clientMessageId: randomUUID(), text: `${long}b` },
    });
    expect(tooLong.statusCode).toBe(400);
    expect((tooLong.json() as { message: string }).message).toMatch(/text/);
    expect(sink.calls).toHaveLength(1);
  });

  it('rejects a malformed session id or client message id', async () => {
    const { app, sink } = await harness();
    const badSession = await app.inject({
      method: 'POST',
      url: '/webchat/api/messages',
      payload: { sessionId: 'short', clientMessageId: randomUUID(), text: 'hola' },
    });
    const badId = await app.inject({
      method: 'POST',
      url: '/webchat/api/messages',
      payload: { sessionId: await newSession(app), clientMessageId: '1', text: 'hola' },
    });
    expect(badSession.statusCode).toBe(400);
    expect((badSession.json() as { message: string }).message).toMatch(/sessionId/);
    expect(badId.statusCode).toBe(400);
    expect((badId.json() as { message: string }).message).toMatch(/clientMessageId/);
    expect(sink.calls).toHaveLength(0);
  });
});

describe('GET /webchat/api/history', () => {
  it('returns what the citizen can see: their messages and delivered replies, with choices', async () => {
    const { app, transcripts } = await harness();
    const sessionId = await newSession(app);
    const choices: OutboundMessage = {
      kind: 'choices',
      text: '¿Sobre qué tema?',
      choices: [{ title: 'Renta', payload: 'renta' }, { title: 'Transporte', payload: 'transporte' }],
    };
    transcripts.set(webchatConversationKey(sessionId), [
      entry({ id: '1', author: 'citizen', text: 'hola' }),
      entry({ id: '2', author: 'bot', kind: 'choices', text: choices.text, outboxId: '7', data: { message: choices } }),
      entry({ id: '3', author: 'system', kind: 'handoff.requested', text: null }),
      entry({ id: '4', author: 'agent', kind: 'note', text: 'nota interna' }),
      entry({ id: '5', author: 'agent', text: 'Soy Ana, ¿en qué te ayudo?', outboxId: '8', data: { message: { kind: 'text', text: 'Soy Ana, ¿en qué te ayudo?' } } }),
    ]);

    const response = await app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${sessionId}` });

    expect(response.statusCode).toBe(200);
    expect((response.json() as { items: unknown[] }).items).toEqual([
      { id: 't1', author: 'citizen', text: 'hola', createdAt: '2025-03-01T10:00:00.000Z' },
      {
        id: 't2',
        author: 'bot',
        text: '¿Sobre qué tema?',
        choices: [{ title: 'Renta', payload: 'renta' }, { title: 'Transporte', payload: 'transporte' }],
        createdAt: '2025-03-01T10:00:00.000Z',
      },
      { id: 't5', author: 'agent', text: 'Soy Ana, ¿en qué te ayudo?', createdAt: '2025-03-01T10:00:00.000Z' },
    ]);
  });

  it('returns an empty list for an unknown session', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${'x'.repeat(24)}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [] });
  });
});

describe('CORS for the embeddable widget', () => {
  it('answers the preflight of a cross-origin POST', async () => {
    const { app } = await harness();
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/webchat/api/messages',
      headers: { origin: 'https://ayuntamiento.example', 'access-control-request-method': 'POST' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-headers']).toBe('content-type');
  });
});

/** Reads an SSE response body as text, frame by frame. */
class StreamReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }
  /** Reads until `predicate(text so far)` holds; returns the text. Throws if the stream ends first. */
  async until(predicate: (text: string) => boolean): Promise<string> {
    while (!predicate(this.buffer)) {
      const { done, value } = await this.reader.read();
      if (done) throw new Error(`stream ended; got: ${this.buffer}`);
      this.buffer += this.decoder.decode(value, { stream: true });
    }
    return this.buffer;
  }
  /** Resolves once the server ended the stream. */
  async ended(): Promise<true> {
    for (;;) {
      const { done, value } = await this.reader.read();
      if (done) return true;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }
}

function frames(text: string): { id: string; event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const field = (name: string): string => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return { id: field('id'), event: field('event'), data: JSON.parse(field('data')) as unknown };
    });
}

describe('GET /webchat/api/events (Server-Sent Events)', () => {
  async function openStream(h: Harness, sessionId: string): Promise<{ reader: StreamReader; response: Response }> {
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/webchat/api/events?sessionId=${sessionId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    if (response.body === null) throw new Error('no body');
    const reader = new StreamReader(response.body);
    await reader.until((text) => text.includes(': connected'));
    return { reader, response };
  }

  it('streams what adapter.send delivers to the open stream of that session', async () => {
    const h = await harness();
    const sessionId = await newSession(h.app);
    const { reader } = await openStream(h, sessionId);

    const sent = await h.channel.adapter.send(recipient(sessionId), {
      kind: 'choices',
      text: '¿Sobre qué tema?',
      choices: [{ title: 'Renta', payload: 'renta' }],
    });

    const text = await reader.until((t) => t.includes('Renta'));
    const [frame] = frames(text);
    expect(sent.id).toMatch(/.+/);
    expect(frame?.event).toBe('message');
    expect(frame?.id).toBe(`s${sent.id}`);
    expect(frame?.data).toMatchObject({ id: `s${sent.id}`, author: 'bot', text: '¿Sobre qué tema?', choices: [{ title: 'Renta', payload: 'renta' }] });
  });

  it('streams a committed reply with its transcript id and does not stream its send again', async () => {
    const h = await harness();
    const sessionId = await newSession(h.app);
    const { reader } = await openStream(h, sessionId);
    // The accepted message teaches the channel which conversation id is this session's.
    await h.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text: 'hola' } });
    const conversationId = `conv-${webchatConversationKey(sessionId)}`;
    const reply: OutboundMessage = { kind: 'text', text: '¡Hola! ¿En qué puedo ayudarte?' };

    h.events.emit('transcript', {
      conversationId,
      entry: entry({ id: '42', conversationId, author: 'bot', text: reply.text, outboxId: '9', data: { message: reply } }),
    });
    await h.channel.adapter.send(recipient(sessionId), reply, { outboxId: '9', part: 0, parts: 1 });
    await h.channel.adapter.send(recipient(sessionId), { kind: 'text', text: 'Segundo mensaje' });

    const text = await reader.until((t) => t.includes('Segundo mensaje'));
    expect(frames(text).map((f) => [f.id.slice(0, 1), (f.data as { text: string }).text])).toEqual([
      ['t', '¡Hola! ¿En qué puedo ayudarte?'],
      ['s', 'Segundo mensaje'],
    ]);
    expect(frames(text)[0]?.id).toBe('t42');
  });

  it('resolves send when no stream is open (history shows the reply later)', async () => {
    const h = await harness();
    await expect(h.channel.adapter.send(recipient('y'.repeat(24)), { kind: 'text', text: 'hola' })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it('ends open streams when the app closes, so shutdown does not hang', async () => {
    const h = await harness();
    const sessionId = await newSession(h.app);
    const { reader } = await openStream(h, sessionId);
    apps.splice(apps.indexOf(h.app), 1);

    await h.app.close();

    await expect(reader.ended()).resolves.toBe(true);
  });

  it('rejects a stream request without a valid session id', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'GET', url: '/webchat/api/events' });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { message: string }).message).toMatch(/sessionId/);
  });
});
