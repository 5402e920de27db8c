/**
 * What the console says about who waits and why: the citizen's name or handle (never "Sin
 * nombre"), the first words of their latest message, the reason in words, the language, the wait
 * against the queue's maximum, and urgent conversations first.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/core/message.js';
import { summarizer } from '../../../src/handoff/console/summaries.js';
import { citizenLabel, firstWords, FIRST_WORDS, reasonLabel } from '../../../src/handoff/console/waiting-view.js';
import { citizenMessage, createHarness, handoffStoreKinds, type Harness } from '../../helpers/handoff-hub.js';
import type { StoreKind } from '../../helpers/stores.js';

describe('citizenLabel', () => {
  it('shows the display name when there is one', () => {
    expect(citizenLabel('telegram', { id: '4242', displayName: 'Lucía Martín' })).toBe('Lucía Martín');
  });

  it('falls back to a handle a person recognises (e-mail address, WhatsApp number), never to an opaque id', () => {
    expect(citizenLabel('email', { id: 'vecina@example.org' })).toBe('vecina@example.org');
    expect(citizenLabel('whatsapp', { id: '34600111222', displayName: '  ' })).toBe('+34600111222');
    expect(citizenLabel('telegram', { id: '123456789' })).toBe('Ciudadano/a de Telegram');
    expect(citizenLabel('webchat', { id: 'Zx9_abcdefghijklmnopqrstu' })).toBe('Ciudadano/a del chat web');
    expect(citizenLabel('x', undefined)).toBe('Ciudadano/a de X');
  });

  it('is never empty and never "Sin nombre", whatever the channel gave', () => {
    fc.assert(
      fc.property(fc.constantFrom('webchat', 'telegram', 'whatsapp', 'x', 'botframework', 'email', 'terminal', 'unknown'), fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (channel, id, displayName) => {
        const label = citizenLabel(channel, { id, displayName });
        expect(label.trim()).not.toBe('');
        expect(label).not.toMatch(/sin nombre/i);
      }),
    );
  });
});

describe('firstWords', () => {
  it('keeps a short message whole, on one line', () => {
    expect(firstWords('  ¿Dónde pido\n el  certificado?  ')).toBe('¿Dónde pido el certificado?');
  });

  it('cuts a long message after the first words with an ellipsis', () => {
    const text = 'quiero saber cuándo tengo que pagar el impuesto de circulación de mi coche porque me ha llegado una carta';
    expect(firstWords(text)).toBe('quiero saber cuándo tengo que pagar el impuesto de circulación de mi…');
  });

  it('cuts one very long word by characters', () => {
    expect(firstWords('a'.repeat(500))).toBe(`${'a'.repeat(FIRST_WORDS.chars)}…`);
  });

  it('is null without text', () => {
    expect(firstWords(null)).toBeNull();
    expect(firstWords(' \n ')).toBeNull();
  });

  it('is always the start of the message (whitespace collapsed) and within the limits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const words = firstWords(text);
        const normalised = text.trim().split(/\s+/).filter((w) => w !== '').join(' ');
        if (normalised === '') {
          expect(words).toBeNull();
          return;
        }
        const body = (words ?? '').replace(/…$/, '');
        expect(normalised.startsWith(body)).toBe(true);
        expect([...body].length).toBeLessThanOrEqual(FIRST_WORDS.chars);
        expect(body.split(' ').length).toBeLessThanOrEqual(FIRST_WORDS.words);
        expect((words ?? '').endsWith('…')).toBe(body !== normalised);
      }),
    );
  });
});

describe('reasonLabel', () => {
  it('says why in words: a person asked for, the emergency line, the intent', () => {
    expect(reasonLabel('citizen', null, null)).toBe('pidió una persona');
    expect(reasonLabel('emergency', 'emergencia.112', null)).toBe('emergencia: línea 112');
    expect(reasonLabel('safety-risk', null, 'emergencia.024')).toBe('emergencia: línea 024');
    expect(reasonLabel('emergency', null, null)).toBe('emergencia');
    expect(reasonLabel('intent', 'tramites.dependencia', null)).toBe('tema: tramites.dependencia');
    expect(reasonLabel('low-confidence', null, null)).toBe('el asistente no entendió la consulta');
  });
});

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe.each(handoffStoreKinds.filter((kind) => kind.enabled).map((kind) => [kind.name, kind] as const))('console summaries on %s', (_name, kind: StoreKind) => {
  async function conversationWith(key: string, messages: readonly string[], from: Partial<InboundMessage['from']> = {}): Promise<string> {
    let id = '';
    for (const text of messages) {
      const message = citizenMessage(key, text);
      const { conversation, inbound } = await h.store.ingest({ ...message, from: { channel: message.from.channel, id: message.from.id, ...from } });
      await h.store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [], patch: { mode: 'queued' } });
      id = conversation.id;
    }
    return id;
  }

  it('names the citizen, quotes their latest words, says why and in which language, urgent first', async () => {
    h = await createHarness({ store: kind });
    const summaries = summarizer({ store: h.store, queue: h.handoff.queue, users: h.handoff.users, config: h.config, clock: h.clock });
    const named = await conversationWith('webchat:named', ['hola', '¿Cómo me empadrono si acabo de mudarme al barrio?'], { displayName: 'Marta Ruiz' });
    const anonymous = await conversationWith('webchat:anon', ['quiero hablar con una persona']);
    const urgent = await conversationWith('webchat:urgent', ['me quiero morir']);
    await h.handoff.queue.enqueue({ conversationId: named, queueId: 'tramites', priority: 'normal', reason: 'intent', intent: 'tramites.padron', language: 'gl' });
    h.advance(1000);
    await h.handoff.queue.enqueue({ conversationId: anonymous, queueId: 'tramites', priority: 'normal', reason: 'citizen', language: 'es' });
    h.advance(1000);
    await h.handoff.queue.enqueue({ conversationId: urgent, queueId: 'urgencias', priority: 'urgent', reason: 'emergency', intent: 'emergencia.024', language: 'es' });
    h.advance(90_000);

    const supervisor = { id: 'sup', role: 'supervisor' as const, queues: [] };
    const list = await summaries(await h.handoff.queue.list(supervisor, ['queued']), true);
    expect(list.map((s) => s.conversationId)).toEqual([urgent, named, anonymous]);
    const [first, second, third] = list;
    expect(first).toMatchObject({ citizenLabel: 'Ciudadano/a del chat web', reasonLabel: 'emergencia: línea 024', priority: 'urgent', firstWords: 'me quiero morir' });
    expect(second).toMatchObject({ citizenLabel: 'Marta Ruiz', language: 'gl', reasonLabel: 'tema: tramites.padron', firstWords: '¿Cómo me empadrono si acabo de mudarme al barrio?' });
    expect(third).toMatchObject({ citizenLabel: 'Ciudadano/a del chat web', language: 'es', reasonLabel: 'pidió una persona', firstWords: 'quiero hablar con una persona' });
    expect(third?.waitingSeconds).toBeGreaterThanOrEqual(90);
    // Urgencias allows 5 minutes, Trámites the default 20: nobody is over yet.
    expect(list.map((s) => [s.maxWaitSeconds, s.overWait])).toEqual([
      [300, false],
      [1200, false],
      [1200, false],
    ]);

    h.advance(5 * 60_000);
    const later = await summaries(await h.handoff.queue.list(supervisor, ['queued']), true);
    expect(later.map((s) => s.overWait)).toEqual([true, false, false]);
  });
});
