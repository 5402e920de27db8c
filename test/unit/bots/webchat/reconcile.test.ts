import { describe, expect, it } from 'vitest';
import { ReplyReconciler } from '../../../../src/bots/webchat/reconcile.js';

describe('ReplyReconciler', () => {
  it('streams a reply once whichever path comes first', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('s1', 'Hola')).toBe(true);
    expect(r.fromSend('s1', 'Hola')).toBe(false);
    expect(r.fromSend('s1', 'Adiós')).toBe(true);
    expect(r.fromTranscript('s1', 'Adiós')).toBe(false);
  });

  it('recognises every part of a reply the degrade step split', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('s1', 'Primera frase.  Segunda frase.')).toBe(true);
    expect(r.fromSend('s1', 'Primera frase.')).toBe(false);
    expect(r.fromSend('s1', 'Segunda frase.')).toBe(false);
    // Fully consumed: a later identical text is a new reply.
    expect(r.fromSend('s1', 'Segunda frase.')).toBe(true);
  });

  it('keeps two identical replies apart and sessions separate', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('s1', 'No te he entendido')).toBe(true);
    expect(r.fromTranscript('s1', 'No te he entendido')).toBe(true);
    expect(r.fromSend('s2', 'No te he entendido')).toBe(true);
    expect(r.fromSend('s1', 'No te he entendido')).toBe(false);
    expect(r.fromSend('s1', 'No te he entendido')).toBe(false);
    expect(r.fromSend('s1', 'No te he entendido')).toBe(true);
  });
});
