/**
 * An agent's message carries the language it is written in (what the web chat puts in `lang`):
 * the one the console says (a canned response's), else the detected one, else the conversation's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Language } from '../../../src/core/message.js';
import { acceptOffers, createAgent, createConversation, createHarness, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A detector that knows two Basque words; anything else is the conversation's language. */
const detect = async (text: string, conversationLanguage: Language | null): Promise<Language> => (/kaixo|eskerrik/i.test(text) ? 'eu' : (conversationLanguage ?? 'es'));

async function held(options: Parameters<typeof createHarness>[0]): Promise<{ harness: Harness; conversationId: string; send: (text: string, language?: Language) => Promise<Language | null> }> {
  const harness = await createHarness(options);
  const ana = await createAgent(harness, { username: 'ana', languages: ['es', 'eu'] });
  const conversationId = await createConversation(harness.store);
  await harness.store.updateConversation(conversationId, { language: 'es' });
  await harness.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
  await harness.handoff.queue.assignPass();
  await acceptOffers(harness);
  const send = async (text: string, language?: Language): Promise<Language | null> => {
    await harness.handoff.queue.sendAgentMessage(conversationId, ana, text, language);
    const entry = (await harness.store.getTranscript(conversationId)).filter((e) => e.author === 'agent').at(-1);
    expect(entry?.text).toBe(text);
    return entry?.language ?? null;
  };
  return { harness, conversationId, send };
}

describe("an agent message's language", () => {
  it('is the language the text is written in, not the conversation language', async () => {
    const setup = await held({ detectLanguage: detect });
    h = setup.harness;
    await expect(setup.send('Kaixo, zertan lagun zaitzaket?')).resolves.toBe('eu');
    await expect(setup.send('Buenos días, ¿en qué le ayudo?')).resolves.toBe('es');
  });

  it('is the one the console names (a canned response in English) even when detection says otherwise', async () => {
    const setup = await held({ detectLanguage: detect });
    h = setup.harness;
    await expect(setup.send('Kaixo! Your appointment is confirmed.', 'en')).resolves.toBe('en');
  });

  it("falls back to the conversation's language when detection fails", async () => {
    const setup = await held({ detectLanguage: () => Promise.reject(new Error('model not ready')) });
    h = setup.harness;
    await expect(setup.send('Kaixo')).resolves.toBe('es');
  });
});
