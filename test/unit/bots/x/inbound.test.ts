import { describe, expect, it } from 'vitest';
import { decodeAccountActivity, decodeV2DmEvent, decodeV2Mention, parseXWebhookBody, stripMediaLink } from '../../../../src/bots/x/inbound.js';
import { ACCOUNT_ID, CITIZEN_ID, xFixture } from '../../../helpers/x-payloads.js';

describe('decodeAccountActivity', () => {
  it('never yields an invalid date (a signed "created_timestamp": "1e20" would be stored as null and read back as 1970)', () => {
    for (const stamp of ['1e20', '-1', 'x', '']) {
      const payload = xFixture('dm');
      const [event] = payload.direct_message_events as Record<string, unknown>[];
      if (event !== undefined) event.created_timestamp = stamp;
      expect(Number.isNaN(decodeAccountActivity(payload, ACCOUNT_ID)[0]?.receivedAt.getTime())).toBe(false);
    }
    expect(Number.isNaN(decodeV2Mention({ id: '1', text: 'hola', author_id: CITIZEN_ID, created_at: '+999999-01-01T00:00:00Z' }, ACCOUNT_ID, new Map())?.receivedAt.getTime())).toBe(false);
    expect(Number.isNaN(decodeV2DmEvent({ id: '1', text: 'hola', sender_id: CITIZEN_ID, created_at: 'ayer' }, ACCOUNT_ID, new Map())?.receivedAt.getTime())).toBe(false);
  });

  it('cuts a DM or mention over 10,000 characters before the personal-data scan reads it', () => {
    const long = `hola ${'a'.repeat(1_000_000)}`;
    const dm = decodeV2DmEvent({ id: '1', text: long, sender_id: CITIZEN_ID }, ACCOUNT_ID, new Map());
    const mention = decodeV2Mention({ id: '2', text: `@ayto_pruebas ${long}`, author_id: CITIZEN_ID }, ACCOUNT_ID, new Map());
    for (const message of [dm, mention]) {
      expect(message?.text?.length).toBeLessThanOrEqual(10_000);
      expect(message?.text?.endsWith('[…]')).toBe(true);
    }
  });

  it('removes the media link X appends, in linear time on long whitespace', { timeout: 10_000 }, () => {
    expect(stripMediaLink('mira esto https://t.co/AbC123 ')).toBe('mira esto');
    expect(stripMediaLink('https://t.co/a y más texto')).toBe('https://t.co/a y más texto');
    const spaces = ' '.repeat(1_000_000);
    expect(stripMediaLink(`a${spaces}b`)).toBe(`a${spaces}b`);
  });

  it('decodes a DM into a private conversation', () => {
    expect(decodeAccountActivity(xFixture('dm'), ACCOUNT_ID)).toEqual([
      expect.objectContaining({
        id: 'dm:1900000000000000010',
        conversationKey: `x:dm:${CITIZEN_ID}`,
        kind: 'text',
        text: '¿cuándo empieza la campaña de la renta?',
        from: { channel: 'x', id: CITIZEN_ID, displayName: 'Vecina' },
      }),
    ]);
  });

  it('decodes a quick reply as a postback', () => {
    expect(decodeAccountActivity(xFixture('dm-quick-reply'), ACCOUNT_ID)[0]).toMatchObject({ kind: 'postback', payload: 'intent:renta' });
  });

  it('decodes a mention with the tweet to reply to and without the leading @handle', () => {
    expect(decodeAccountActivity(xFixture('mention'), ACCOUNT_ID)).toEqual([
      expect.objectContaining({
        id: 'tweet:1900000000000000020',
        conversationKey: `x:mention:${CITIZEN_ID}`,
        kind: 'text',
        text: '¿cuándo empieza la campaña de la renta?',
        replyContext: { tweetId: '1900000000000000020', lang: 'es' },
        from: expect.objectContaining({ locale: 'es' }),
      }),
    ]);
  });

  it('withholds the text of a mention carrying personal data and flags it for the privacy warning', () => {
    const [message] = decodeAccountActivity(xFixture('mention-dni'), ACCOUNT_ID);
    expect(message).toMatchObject({ kind: 'unsupported', replyContext: { tweetId: '1900000000000000021', privacy: 'warn' } });
    expect(message?.text).toBeUndefined();
    expect(JSON.stringify(message)).not.toContain('12345678Z');
  });

  it("ignores the account's own echoes, other event types and other users' deliveries", () => {
    expect(decodeAccountActivity(xFixture('dm-echo'), ACCOUNT_ID)).toEqual([]);
    expect(decodeAccountActivity(xFixture('tweet-echo'), ACCOUNT_ID)).toEqual([]);
    expect(decodeAccountActivity(xFixture('favorite'), ACCOUNT_ID)).toEqual([]);
    expect(decodeAccountActivity(xFixture('dm'), '42')).toEqual([]);
  });

  it('rejects malformed bodies', () => {
    expect(() => parseXWebhookBody(Buffer.from('nope'))).toThrow(/JSON/);
    expect(() => decodeAccountActivity({ direct_message_events: {} }, ACCOUNT_ID)).toThrow(/array/);
    expect(() => decodeAccountActivity({ direct_message_events: [{ type: 'message_create' }] }, ACCOUNT_ID)).toThrow(/message_create/);
  });
});

describe('v2 polling objects', () => {
  it('decodes DM events and mentions with the same ids as webhooks (so both dedupe)', () => {
    const names = new Map([[CITIZEN_ID, 'Vecina']]);
    expect(decodeV2DmEvent({ id: '1900000000000000010', event_type: 'MessageCreate', text: 'hola', sender_id: CITIZEN_ID }, ACCOUNT_ID, names)).toMatchObject({ id: 'dm:1900000000000000010', from: { displayName: 'Vecina' } });
    expect(decodeV2DmEvent({ id: '1', event_type: 'MessageCreate', text: 'eco', sender_id: ACCOUNT_ID }, ACCOUNT_ID, names)).toBeUndefined();
    expect(decodeV2DmEvent({ id: '2', event_type: 'ParticipantsJoin', sender_id: CITIZEN_ID }, ACCOUNT_ID, names)).toBeUndefined();
    expect(decodeV2Mention({ id: '1900000000000000020', text: '@ayto_pruebas hola', author_id: CITIZEN_ID }, ACCOUNT_ID, names)).toMatchObject({ id: 'tweet:1900000000000000020', text: 'hola' });
  });
});
