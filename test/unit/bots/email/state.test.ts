import { describe, expect, it } from 'vitest';
import { KyselyEmailState } from '../../../../src/bots/email/state.js';
import { disposeStore, storeKinds } from '../../../helpers/stores.js';

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`e-mail state on ${kind.name}`, () => {
    it('keeps the cursor, threads and intake; counts a sender’s accepted messages', async () => {
      const store = await kind.open();
      try {
        const state = new KyselyEmailState(store);
        expect(await state.getCursor('m')).toBeUndefined();
        await state.setCursor('m', { uidValidity: '1796130581', lastUid: 41 });
        await state.setCursor('m', { uidValidity: '1796130581', lastUid: 4_000_000_000 });
        expect(await state.getCursor('m')).toEqual({ uidValidity: '1796130581', lastUid: 4_000_000_000 });
        await state.rememberMessage({ messageId: '<a@x>', mailbox: 'm', threadId: 't1', address: 'ana@x.es', direction: 'in' });
        await state.rememberMessage({ messageId: '<a@x>', mailbox: 'm', threadId: 'other', address: 'eve@x.es', direction: 'in' });
        expect(await state.findMessage('<a@x>')).toEqual({ messageId: '<a@x>', mailbox: 'm', threadId: 't1', address: 'ana@x.es', direction: 'in' });
        expect(await state.threadAddress('m', 't1')).toBe('ana@x.es');
        const since = new Date(Date.now() - 60_000);
        await state.recordIntake({ mailbox: 'm', uidValidity: '1', uid: 1, sender: 'ana@x.es', status: 'accepted' });
        await state.recordIntake({ mailbox: 'm', uidValidity: '1', uid: 1, sender: 'ana@x.es', status: 'accepted' });
        await state.recordIntake({ mailbox: 'm', uidValidity: '1', uid: 2, sender: 'ana@x.es', status: 'ignored', reason: 'Auto-Submitted: auto-replied' });
        expect(await state.countAccepted('ana@x.es', since)).toBe(1);
        const rows = await state.listIntake(10);
        expect(rows.map((row) => [row.uid, row.status, row.reason])).toEqual([[2, 'ignored', 'Auto-Submitted: auto-replied'], [1, 'accepted', undefined]]);
      } finally {
        await disposeStore(store);
      }
    });
  });
}
