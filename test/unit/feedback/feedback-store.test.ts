/**
 * One rating per answer on SQLite and PostgreSQL: concurrent identical clicks record once, a
 * different value replaces it, an answer of another conversation (or a citizen message) is refused.
 */
import { describe, expect, it } from 'vitest';
import { HubEvents } from '../../../src/core/events.js';
import { FeedbackStore } from '../../../src/feedback/index.js';
import { feedbackDb } from '../../../src/feedback/schema.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`FeedbackStore on ${kind.name}`, () => {
    it('records once under concurrent clicks, changes on a new value, refuses foreign answers', async () => {
      const store = await kind.open();
      try {
        const turn = async (key: string, id: string) => {
          const { inbound, conversation } = await store.ingest({ id, conversationKey: key, from: { channel: 'webchat', id: key }, receivedAt: new Date(), kind: 'text', text: '¿Cuándo empieza la renta?' });
          const result = await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, inboundAnnotation: { intent: 'renta.campana_fechas', score: 0.97, language: 'es' }, replies: [{ author: 'bot', intent: 'renta.campana_fechas', score: 0.97, message: { kind: 'text', text: 'El 2 de abril.', rateable: true } }] });
          return { conversationId: conversation.id, outboxId: result.outbox[0]?.id ?? '' };
        };
        const mine = await turn('webchat:a', 'm1');
        const theirs = await turn('webchat:b', 'm2');
        const events = new HubEvents();
        const emitted: unknown[] = [];
        events.on('custom', (event) => emitted.push(event.data));
        const feedback = new FeedbackStore(store, events);
        const click = () => feedback.record({ conversationId: mine.conversationId, outboxId: mine.outboxId, value: 'down', channel: 'webchat' });
        const outcomes = await Promise.all([click(), click(), click(), click()]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['recorded', 'unchanged', 'unchanged', 'unchanged']);
        expect(emitted).toHaveLength(1);
        expect((await feedback.record({ conversationId: mine.conversationId, outboxId: mine.outboxId, value: 'up', channel: 'webchat' })).status).toBe('changed');
        expect(await feedback.valueOf(mine.outboxId)).toBe('up');
        expect((await feedback.record({ conversationId: mine.conversationId, outboxId: theirs.outboxId, value: 'down', channel: 'webchat' })).status).toBe('unknown-answer');
        const rows = await feedbackDb(store).selectFrom('message_feedback').select(['outbox_id', 'value', 'intent', 'score']).execute();
        expect(rows).toEqual([{ outbox_id: mine.outboxId, value: 'up', intent: 'renta.campana_fechas', score: expect.closeTo(0.97, 5) }]);
        expect(await feedback.counts()).toEqual({ up: 1, down: 0 });
      } finally {
        await disposeStore(store);
      }
    });
  });
}
