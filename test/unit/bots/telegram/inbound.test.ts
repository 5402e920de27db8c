import { describe, expect, it } from 'vitest';
import { decodeTelegramUpdate, parseTelegramUpdate, type TelegramBotIdentity } from '../../../../src/bots/telegram/inbound.js';
import { isHubError } from '../../../../src/core/errors.js';
import { telegramFixture } from '../../../helpers/telegram-payloads.js';

const bot: TelegramBotIdentity = { id: 777000111, username: 'ventanilla_test_bot' };

function decodeMessage(name: string) {
  const result = decodeTelegramUpdate(telegramFixture(name), bot);
  if (result.status !== 'message') throw new Error(`${name} was ignored: ${result.reason}`);
  return result;
}

describe('decodeTelegramUpdate', () => {
  it('never yields an invalid date (a forged "date": 1e20 would be stored as null and read back as 1970)', () => {
    for (const date of [1e20, -1, 'x', null]) {
      const update = telegramFixture('text');
      (update.message as Record<string, unknown>).date = date;
      const result = decodeTelegramUpdate(update, bot);
      if (result.status !== 'message') throw new Error('ignored');
      expect(Number.isNaN(result.message.receivedAt.getTime())).toBe(false);
    }
  });

  it('cuts a text or caption over Telegram\'s 4,096 characters', () => {
    for (const key of ['text', 'caption']) {
      const update = telegramFixture(key === 'text' ? 'text' : 'photo');
      (update.message as Record<string, unknown>)[key] = `hola ${'a'.repeat(1_000_000)}`;
      const result = decodeTelegramUpdate(update, bot);
      if (result.status !== 'message') throw new Error('ignored');
      expect(result.message.text?.length).toBeLessThanOrEqual(4_096);
      expect(result.message.text?.endsWith('[…]')).toBe(true);
    }
  });

  it('decodes a private text message with the citizen locale', () => {
    const { message } = decodeMessage('text');
    expect(message).toMatchObject({
      id: '5550001:11',
      conversationKey: 'telegram:5550001',
      kind: 'text',
      text: '¿cuándo empieza la campaña de la renta?',
      from: { channel: 'telegram', id: '5550001', displayName: 'Ana', locale: 'es' },
    });
    expect(message.receivedAt.toISOString()).toBe(new Date(1743500000 * 1000).toISOString());
  });

  it('gives an edited message its own id so the new wording is processed once', () => {
    const { message } = decodeMessage('edited-text');
    expect(message.kind).toBe('text');
    expect(message.text).toContain('termina');
    expect(message.id).toBe('5550001:11:edit:1743500060');
  });

  it('turns a button press into a postback and reports the query to answer', () => {
    const result = decodeMessage('callback-query');
    expect(result.message).toMatchObject({ kind: 'postback', payload: 'intent:renta', conversationKey: 'telegram:5550001', id: 'callback:4382000000000000001' });
    expect(result.callbackQueryId).toBe('4382000000000000001');
  });

  it('reads the /start deep-link payload', () => {
    expect(decodeMessage('start-deep-link').message).toMatchObject({ kind: 'postback', payload: 'renta2025' });
  });

  it('keeps a bare /start as text', () => {
    const update = telegramFixture('text');
    (update.message as Record<string, unknown>).text = '/start';
    expect(decodeTelegramUpdate(update, bot)).toMatchObject({ status: 'message', message: { kind: 'text', text: '/start' } });
  });

  it('keeps media metadata (largest photo size, voice, document, sticker), never the bytes', () => {
    expect(decodeMessage('photo').message).toMatchObject({ kind: 'attachment', text: 'mi recibo', attachments: [{ type: 'photo', fileId: 'AgACAgQAAxkBAAIBlarge', sizeBytes: 48000 }] });
    expect(decodeMessage('voice').message).toMatchObject({ kind: 'attachment', attachments: [{ type: 'voice', mimeType: 'audio/ogg', sizeBytes: 23000 }] });
    expect(decodeMessage('document').message).toMatchObject({ kind: 'attachment', attachments: [{ type: 'document', fileName: 'solicitud.pdf', mimeType: 'application/pdf' }] });
    expect(decodeMessage('sticker').message).toMatchObject({ kind: 'attachment', attachments: [{ type: 'sticker', mimeType: 'image/webp' }] });
  });

  it('decodes a location', () => {
    expect(decodeMessage('location').message).toMatchObject({ kind: 'location', location: { latitude: 40.4168, longitude: -3.7038 } });
  });

  it('accepts group messages only when they mention or reply to the bot', () => {
    const mention = decodeMessage('group-mention').message;
    expect(mention).toMatchObject({ conversationKey: 'telegram:-1009990001', text: '¿horario de la oficina?' });
    expect(decodeMessage('group-reply-to-bot').message.text).toBe('¿y los sábados?');
    expect(decodeTelegramUpdate(telegramFixture('group-unaddressed'), bot)).toMatchObject({ status: 'ignored' });
    // Without the bot identity a group message cannot be addressed to us.
    expect(decodeTelegramUpdate(telegramFixture('group-mention'), undefined)).toMatchObject({ status: 'ignored' });
  });

  it('ignores unknown update types', () => {
    expect(decodeTelegramUpdate(telegramFixture('my-chat-member'), bot)).toEqual({ status: 'ignored', reason: 'update type my_chat_member' });
  });

  it('rejects malformed updates with HUB_ERR_BAD_PAYLOAD', () => {
    expect(() => decodeTelegramUpdate(telegramFixture('malformed-no-chat'), bot)).toThrow(/chat/);
    for (const raw of ['not json', '[]', '{"message":{}}', '{"update_id":"1"}']) {
      let caught: unknown;
      try {
        parseTelegramUpdate(Buffer.from(raw));
      } catch (error) {
        caught = error;
      }
      expect(isHubError(caught, 'HUB_ERR_BAD_PAYLOAD')).toBe(true);
    }
  });
});
