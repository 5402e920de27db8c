/** Fakes shared by the WhatsApp and Bot Framework channel tests (sink, logger, cursors, fixtures). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChannelDeps, ChannelLogger, InboundSink } from '../../../../src/bots/adapter.js';
import type { InboundMessage } from '../../../../src/core/message.js';

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
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/${channel}/${name}`, import.meta.url)), 'utf8');
}

/** A WhatsApp fixture with every message `timestamp` set to `at` (the 24-hour window matters). */
export function whatsappFixture(name: string, at?: Date): string {
  const text = fixtureText('whatsapp', name);
  if (at === undefined) return text;
  return text.replace(/"timestamp": "\d+"/g, `"timestamp": "${Math.floor(at.getTime() / 1000)}"`);
}
