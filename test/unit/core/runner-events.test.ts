/**
 * The runner's transcript events carry the entries as the store wrote them, so no listener reads
 * them back: the citizen's entry at ingest, then at the turn's commit a `turn` event with that
 * entry annotated, then the turn's own entries; each equal to what the store holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../../src/app.js';
import type { HubEventMap } from '../../../src/core/events.js';
import type { TranscriptEntry } from '../../../src/core/store/types.js';
import type { IntentsModule } from '../../../src/intents/contract.js';
import { RecordingAdapter } from '../../helpers/recording-adapter.js';
import { testConfig } from '../../helpers/test-config.js';

function module(): IntentsModule {
  return {
    safety: async (_ctx, next) => next(),
    understand: [
      async (ctx) => {
        ctx.nlu = { intent: 'tramites.padron', score: 0.75, language: 'es' };
        ctx.reply({ kind: 'text', text: 'Para empadronarte…' }, { intent: 'tramites.padron' });
        ctx.reply({ kind: 'choices', text: '¿Algo más?', choices: [{ title: 'Sí', payload: 'si' }] });
      },
    ],
    classify: async () => ({ intent: 'None', score: 1, language: 'es', languageSource: 'default', alternatives: [], safety: false }),
    ready: () => true,
  };
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

describe('runner transcript events', () => {
  it('carry the entries as written (citizen at ingest, annotated at the turn, then the replies), equal to the stored rows', async () => {
    const adapter = new RecordingAdapter();
    hub = await buildApp({ config: testConfig(), intents: module(), channels: [() => ({ adapter })], logger: false });
    const seen: { name: 'transcript' | 'turn'; entry: TranscriptEntry }[] = [];
    hub.events.on('transcript', (event: HubEventMap['transcript'][0]) => seen.push({ name: 'transcript', entry: event.entry }));
    hub.events.on('turn', (event: HubEventMap['turn'][0]) => seen.push({ name: 'turn', entry: event.entry }));
    await hub.start();
    const { conversationId } = await hub.runner.acceptAndWait({
      id: 'ev-1',
      conversationKey: 'webchat:ana',
      from: { channel: 'webchat', id: 'ana' },
      receivedAt: new Date(),
      kind: 'text',
      text: 'quiero empadronarme',
    });
    const stored = await hub.store.getTranscript(conversationId);
    expect(stored.map((e) => e.author)).toEqual(['citizen', 'bot', 'bot']);
    const [citizen, ...replies] = stored;
    expect(seen.map((s) => [s.name, s.entry.id])).toEqual([
      ['transcript', citizen?.id],
      ['turn', citizen?.id],
      ...replies.map((r) => ['transcript', r.id]),
    ]);
    // At ingest: not annotated yet; at the turn: exactly the stored row.
    expect(seen[0]?.entry).toMatchObject({ author: 'citizen', intent: null, text: 'quiero empadronarme' });
    expect(seen[1]?.entry).toEqual(citizen);
    expect(seen.slice(2).map((s) => s.entry)).toEqual(replies);
  });
});
