/** Fakes shared by the WhatsApp and Bot Framework channel tests (sink, logger, cursors, fixtures). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChannelDeps, ChannelLogger, InboundSink } from '../../src/core/channel-port.js';
import type { WhatsAppCloudConfig } from '../../src/bots/whatsapp/cloud/config.js';
import type { InboundMessage } from '../../src/core/message.js';
import type { IntentsModule } from '../../src/intents/contract.js';

export interface RecordingSink extends InboundSink {
  readonly accepted: InboundMessage[];
  /** Make the next accept() calls fail (store down). */
  failWith?: Error;
}

/** A sink that deduplicates on message id like the store does. */
export function recordingSink(): RecordingSink {
  const seen = new Set<string>();
  const sink: RecordingSink = {
    accepted: [],
    async accept(message) {
      if (sink.failWith !== undefined) throw sink.failWith;
      sink.accepted.push(message);
      const duplicate = seen.has(message.id);
      seen.add(message.id);
      return { duplicate, conversationId: `conv-${message.conversationKey}` };
    },
  };
  return sink;
}

export interface RecordingLogger extends ChannelLogger {
  readonly lines: { level: string; obj: object; msg?: string }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push(msg === undefined ? { level, obj } : { level, obj, msg });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

export function channelDeps(overrides: Partial<ChannelDeps> = {}): ChannelDeps & { sink: RecordingSink; logger: RecordingLogger } {
  const values = new Map<string, string>();
  return {
    sink: recordingSink(),
    logger: recordingLogger(),
    cursors: {
      get: async (name) => values.get(name),
      set: async (name, value) => {
        values.set(name, value);
      },
    },
    ...overrides,
  } as ChannelDeps & { sink: RecordingSink; logger: RecordingLogger };
}

/** Reads a fixture from test/fixtures/<channel>/ as text. */
export function fixtureText(channel: 'whatsapp' | 'botframework', name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${channel}/${name}`, import.meta.url)), 'utf8');
}

/** A WhatsApp fixture with every message `timestamp` set to `at` (the 24-hour window matters). */
export function whatsappFixture(name: string, at?: Date): string {
  const text = fixtureText('whatsapp', name);
  if (at === undefined) return text;
  return text.replace(/"timestamp": "\d+"/g, `"timestamp": "${Math.floor(at.getTime() / 1000)}"`);
}

/**
 * A scripted intents module for the channel conversation tests through the real app (the NLP
 * engine is tested elsewhere): greeting, a renta question with three choices, a choice's answer,
 * "quiero hablar con una persona" → handoff, and the "only text" reply to attachments.
 */
export function scriptedIntents(): IntentsModule {
  return {
    safety: async (_ctx, next) => next(),
    understand: [
      async (ctx) => {
        const { inbound } = ctx;
        const text = inbound.text ?? '';
        ctx.language = 'es';
        ctx.patch.language = 'es';
        const intent = (name: string) => {
          ctx.nlu = { intent: name, score: 0.95, language: 'es' };
        };
        if (inbound.kind === 'attachment' || inbound.kind === 'location' || inbound.kind === 'unsupported') {
          intent('conversacion.solo_texto');
          ctx.reply({ kind: 'text', text: 'Por ahora solo puedo leer mensajes de texto. ¿Me lo escribes?' });
          return;
        }
        if (inbound.kind === 'postback' && inbound.payload === 'welcome') {
          intent('conversacion.bienvenida');
          ctx.reply({ kind: 'text', text: 'Bienvenido a la ventanilla virtual del ayuntamiento.' });
          return;
        }
        if (inbound.kind === 'postback' && inbound.payload === 'renta.plazos') {
          intent('renta.plazos');
          ctx.reply({ kind: 'text', text: 'La campaña de la renta va del 2 de abril al 30 de junio.' });
          return;
        }
        if (/persona/i.test(text)) {
          intent('conversacion.agente');
          ctx.handoff = { reason: 'citizen', priority: 'normal' };
          return;
        }
        if (/renta/i.test(text)) {
          intent('renta.general');
          ctx.reply({
            kind: 'choices',
            text: '¿Qué necesitas sobre la declaración de la renta?',
            choices: [
              { title: 'Plazos', payload: 'renta.plazos' },
              { title: 'Borrador', payload: 'renta.borrador' },
              { title: 'Cita previa', payload: 'renta.cita' },
            ],
          });
          return;
        }
        if (/hola/i.test(text)) {
          intent('conversacion.saludo');
          ctx.reply({ kind: 'text', text: '¡Hola! Soy el asistente del ayuntamiento. ¿En qué puedo ayudarte?' });
          return;
        }
        intent('None');
        ctx.reply({ kind: 'text', text: 'No te he entendido.' });
      },
    ],
    async classify() {
      return { intent: 'None', score: 0, language: 'es', languageSource: 'default', alternatives: [], safety: false };
    },
    ready: () => true,
  };
}

/** Waits (polling) until `predicate` holds; fails with `what` after `timeoutMs`. Not a timing assertion. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The Cloud API channel settings the app-level tests use, sending to a fake Graph API. */
export function cloudTestConfig(graphBaseUrl: string, extra: Partial<WhatsAppCloudConfig> = {}): WhatsAppCloudConfig {
  return { token: 'test-token', appSecret: 'test-app-secret', verifyToken: 'verify-me', phoneNumberId: '200000000000002', graphBaseUrl, ...extra };
}
