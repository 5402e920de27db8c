import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import { modeForStatus, nextStatus, transition } from '../../../src/handoff/ticket-state.js';

describe('handoff ticket state machine', () => {
  it('follows queued → assigned → resolved', () => {
    expect(transition('queued', 'assign')).toBe('assigned');
    expect(transition('assigned', 'close')).toBe('resolved');
  });

  it('supports transfer, requeue, cancel and abandon', () => {
    expect(transition('assigned', 'transfer-queue')).toBe('queued');
    expect(transition('assigned', 'transfer-agent')).toBe('assigned');
    expect(transition('queued', 'transfer-agent')).toBe('assigned');
    expect(transition('assigned', 'requeue')).toBe('queued');
    expect(transition('queued', 'cancel')).toBe('cancelled');
    expect(transition('assigned', 'cancel')).toBe('cancelled');
    expect(transition('queued', 'abandon')).toBe('abandoned');
  });

  it('refuses moves out of closed states with a 409 that says why', () => {
    for (const from of ['resolved', 'cancelled', 'abandoned'] as const) {
      for (const action of ['assign', 'close', 'transfer-queue', 'requeue', 'cancel'] as const) {
        expect(nextStatus(from, action)).toBeUndefined();
      }
    }
    try {
      transition('resolved', 'assign');
      expect.unreachable();
    } catch (error) {
      expect(isHubError(error, 'HUB_ERR_CONFLICT')).toBe(true);
      expect((error as Error).message).toMatch(/cannot assign a conversation that is resolved/);
    }
    expect(nextStatus('assigned', 'assign')).toBeUndefined();
    expect(nextStatus('assigned', 'abandon')).toBeUndefined();
  });

  it('maps statuses to conversation modes: the bot is silent while a ticket is open', () => {
    expect(modeForStatus('queued')).toBe('queued');
    expect(modeForStatus('assigned')).toBe('agent');
    expect(modeForStatus('resolved')).toBe('bot');
    expect(modeForStatus('cancelled')).toBe('bot');
  });
});
