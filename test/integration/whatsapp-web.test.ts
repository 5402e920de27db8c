/**
 * A whatsapp-web.js conversation through the real app with the client mocked (an EventEmitter
 * fake via clientFactory): never a real browser.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWhatsAppWebChannel, type WhatsAppWebClientLike, type WhatsAppWebMessageLike } from '../../src/bots/whatsapp/index.js';
import { testConfig } from '../helpers/test-config.js';
import { scriptedIntents, waitFor } from '../helpers/whatsapp-fakes.js';

class FakeClient extends EventEmitter implements WhatsAppWebClientLike {
  destroyed = 0;
  readonly sent: { chatId: string; content: string }[] = [];
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {
    this.destroyed += 1;
  }
  async sendMessage(chatId: string, content: string) {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_OUT${this.sent.length}` } };
  }
  async requestPairingCode(): Promise<string> {
    return 'ABCD1234';
  }
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

let counter = 0;
const message = (body: string): WhatsAppWebMessageLike => ({
  id: { _serialized: `false_34600000001@c.us_3EB0${String((counter += 1)).padStart(4, '0')}` },
  from: '34600000001@c.us',
  fromMe: false,
  isStatus: false,
  body,
  type: 'chat',
  timestamp: Math.floor(Date.now() / 1000),
  _data: { notifyName: 'Ciudadana Prueba' },
});

describe('whatsapp-web.js conversation through the app', () => {
  it('greeting, a renta question as numbered text, a person; shutdown destroys the client', async () => {
    const client = new FakeClient();
    hub = await buildApp({
      config: testConfig(),
      intents: scriptedIntents(),
      logger: false,
      channels: [
        (services) =>
          createWhatsAppWebChannel(
            { chromiumPath: '/usr/bin/chromium', sessionDir: '/tmp/unused/wwebjs' },
            { ...services, clientFactory: () => client, acquireSingletonLock: async () => true, printQr: () => undefined },
          ),
      ],
    });
    await hub.start();
    client.emit('ready');

    client.emit('message', message('Hola'));
    await waitFor(() => client.sent.length >= 1, 'the greeting');
    expect(client.sent[0]).toEqual({ chatId: '34600000001@c.us', content: '¡Hola! Soy el asistente del ayuntamiento. ¿En qué puedo ayudarte?' });

    client.emit('message', message('¿Cuándo acaba la renta?'));
    await waitFor(() => client.sent.length >= 2, 'the renta choices');
    const choices = client.sent[1]?.content ?? '';
    expect(choices).toContain('¿Qué necesitas sobre la declaración de la renta?');
    expect(choices).toMatch(/1\D+Plazos/);
    expect(choices).toMatch(/3\D+Cita previa/);

    client.emit('message', message('quiero hablar con una persona'));
    await waitFor(() => client.sent.length >= 3, 'the handoff notice');
    expect(client.sent[2]?.content).toContain('Te paso con una persona');
    expect((await hub.store.getConversationByKey('whatsapp:34600000001'))?.mode).toBe('queued');

    await hub.app.close();
    hub = undefined;
    expect(client.destroyed).toBe(1);
  });
});
