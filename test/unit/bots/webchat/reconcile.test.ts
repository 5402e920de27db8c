import { describe, expect, it } from 'vitest';
import { ReplyReconciler } from '../../../../src/bots/webchat/reconcile.js';

describe('ReplyReconciler', () => {
  it('streams a reply once whichever path comes first', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('o1')).toBe(true);
    expect(r.fromSend('o1')).toBe(false);
    expect(r.fromSend('o2')).toBe(true);
    expect(r.fromTranscript('o2')).toBe(false);
  });

  it('recognises every part of a reply the degrade step split', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('o1')).toBe(true);
    expect(r.fromSend('o1')).toBe(false);
    expect(r.fromSend('o1')).toBe(false);
    // Streamed by send first: every later part is streamed too, the transcript entry is not.
    expect(r.fromSend('o2')).toBe(true);
    expect(r.fromSend('o2')).toBe(true);
    expect(r.fromTranscript('o2')).toBe(false);
  });

  it('keeps two identical replies apart: the id decides, not the text', () => {
    const r = new ReplyReconciler();
    expect(r.fromTranscript('o1')).toBe(true);
    expect(r.fromTranscript('o2')).toBe(true);
    expect(r.fromSend('o3')).toBe(true);
    expect(r.fromSend('o1')).toBe(false);
    expect(r.fromSend('o2')).toBe(false);
    expect(r.fromTranscript('o3')).toBe(false);
  });

  it('streams whatever carries no outbox id, and forgets the oldest ids beyond its capacity', () => {
    const r = new ReplyReconciler(2);
    expect(r.fromTranscript(null)).toBe(true);
    expect(r.fromSend(undefined)).toBe(true);
    r.fromTranscript('o1');
    r.fromTranscript('o2');
    r.fromTranscript('o3');
    expect(r.fromSend('o1')).toBe(true);
    expect(r.fromSend('o3')).toBe(false);
  });
});
