import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseSubject, findRefToken, newThreadId, parseReferences, replySubject, replyThreading, resolveThread, MAX_REFERENCES, type ThreadLookup } from '../../../../src/bots/email/threading.js';

function lookup(entries: { messageId: string; mailbox: string; threadId: string; address: string }[]): ThreadLookup {
  return {
    async findMessage(id) {
      return entries.find((entry) => entry.messageId === id);
    },
    async threadAddress(mailbox, threadId) {
      return entries.find((entry) => entry.mailbox === mailbox && entry.threadId === threadId)?.address;
    },
  };
}

const known = lookup([
  { messageId: '<first@citizen.es>', mailbox: 'm', threadId: '1111111111111111', address: 'ana@citizen.es' },
  { messageId: '<reply@ayto.example>', mailbox: 'm', threadId: '1111111111111111', address: 'ana@citizen.es' },
]);

describe('resolveThread', () => {
  it('joins by In-Reply-To, then References, then the hidden token', async () => {
    const base = { mailbox: 'm', address: 'ana@citizen.es', references: [], searchText: '' };
    expect(await resolveThread({ ...base, messageId: '<2@c>', inReplyTo: '<reply@ayto.example>' }, known)).toEqual({ threadId: '1111111111111111', how: 'in-reply-to' });
    expect(await resolveThread({ ...base, messageId: '<3@c>', references: ['<first@citizen.es>', '<unknown@x>'] }, known)).toEqual({ threadId: '1111111111111111', how: 'references' });
    expect(await resolveThread({ ...base, messageId: '<4@c>', searchText: 'Re: hola\n> [ref:1111111111111111]' }, known)).toEqual({ threadId: '1111111111111111', how: 'token' });
  });

  it('never joins another sender’s thread, whatever headers or token they forge', async () => {
    const forged = { mailbox: 'm', address: 'eve@attacker.example', messageId: '<5@a>', inReplyTo: '<reply@ayto.example>', references: ['<first@citizen.es>'], searchText: '[ref:1111111111111111]' };
    const result = await resolveThread(forged, known);
    expect(result.how).toBe('new');
    expect(result.threadId).not.toBe('1111111111111111');
  });

  it('a new thread id is stable for the same Message-ID (a re-read joins the same conversation)', () => {
    expect(newThreadId('<a@b>')).toBe(newThreadId('<a@b>'));
    expect(newThreadId('<a@b>')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('reply headers', () => {
  it('Re: is added once; existing prefixes in any language are kept', () => {
    expect(replySubject('Campaña de la renta', 'Su consulta')).toBe('Re: Campaña de la renta');
    expect(replySubject('RE: Consulta IBI', 'x')).toBe('RE: Consulta IBI');
    expect(replySubject('RV: algo', 'x')).toBe('RV: algo');
    expect(replySubject('', 'Su consulta')).toBe('Re: Su consulta');
    expect(baseSubject('Re: RE: Fwd: Padrón')).toBe('Padrón');
  });

  it('In-Reply-To is the parent and References end with it, at most 20 long', () => {
    const refs = Array.from({ length: 30 }, (_, index) => `<r${index}@x>`);
    const threading = replyThreading('<parent@x>', refs);
    expect(threading.inReplyTo).toBe('<parent@x>');
    expect(threading.references.at(-1)).toBe('<parent@x>');
    expect(threading.references).toHaveLength(MAX_REFERENCES);
  });

  it('property: References parsing keeps only well-formed ids and never more than the maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.emailAddress().map((address) => `<${address}>`)), { maxLength: 60 }), (parts) => {
        const ids = parseReferences(parts.join(' '));
        expect(ids.length).toBeLessThanOrEqual(MAX_REFERENCES);
        for (const id of ids) expect(id).toMatch(/^<[^<>\s]+>$/);
      }),
    );
  });

  it('the token is found in text and absent otherwise', () => {
    expect(findRefToken('blah [ref:0123456789abcdef] blah')).toBe('0123456789abcdef');
    expect(findRefToken('[ref:xyz]')).toBeUndefined();
  });
});
