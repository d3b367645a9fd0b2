// A stored message status only moves forward; callbacks arrive late, twice and out of order.
import { describe, expect, it } from 'vitest';
import { isForwardStatus, statusRank, TWILIO_OUTBOUND_STATUSES } from './message-status.ts';

describe('isForwardStatus', () => {
  it('follows the lifecycle accepted < queued < sending < sent < delivered < read', () => {
    const path = ['accepted', 'queued', 'sending', 'sent', 'delivered', 'read'];
    for (let i = 0; i < path.length; i++) {
      for (let j = 0; j < path.length; j++) {
        expect(isForwardStatus(path[i]!, path[j]!), `${path[i]} -> ${path[j]}`).toBe(j > i);
      }
    }
  });

  it('never takes delivered back to sent (or any earlier status)', () => {
    for (const earlier of ['accepted', 'scheduled', 'queued', 'sending', 'sent']) {
      expect(isForwardStatus('delivered', earlier), earlier).toBe(false);
    }
  });

  it('does not treat failed after delivered as forward (terminal outcomes share a rank)', () => {
    expect(isForwardStatus('delivered', 'failed')).toBe(false);
    expect(isForwardStatus('delivered', 'undelivered')).toBe(false);
    expect(isForwardStatus('failed', 'delivered')).toBe(false);
    expect(isForwardStatus('undelivered', 'canceled')).toBe(false);
  });

  it('treats read after delivered as forward', () => {
    expect(isForwardStatus('delivered', 'read')).toBe(true);
    expect(isForwardStatus('read', 'delivered')).toBe(false);
  });

  it('treats any terminal outcome as forward from sent', () => {
    for (const terminal of ['delivered', 'undelivered', 'failed', 'canceled']) {
      expect(isForwardStatus('sent', terminal), terminal).toBe(true);
    }
  });

  it('moves a recorded-but-unsent message (pending) forward to anything Twilio reports', () => {
    for (const status of TWILIO_OUTBOUND_STATUSES) expect(isForwardStatus('pending', status), status).toBe(true);
  });

  it('never treats a repeat of the same status as forward', () => {
    for (const status of TWILIO_OUTBOUND_STATUSES) expect(isForwardStatus(status, status), status).toBe(false);
  });

  it('never treats an unknown status as forward', () => {
    for (const current of ['pending', ...TWILIO_OUTBOUND_STATUSES]) {
      for (const unknown of ['bogus', '', 'DELIVERED', 'Sent', 'toString', 'constructor', '__proto__']) {
        expect(isForwardStatus(current, unknown), `${current} -> ${unknown}`).toBe(false);
      }
    }
  });
});

describe('statusRank', () => {
  it('ranks scheduled with accepted, and the terminal outcomes together', () => {
    expect(statusRank('scheduled')).toBe(statusRank('accepted'));
    const terminal = ['delivered', 'undelivered', 'failed', 'canceled'].map(statusRank);
    expect(new Set(terminal).size).toBe(1);
    expect(statusRank('read')).toBeGreaterThan(terminal[0]!);
  });

  it('ranks every unknown status -1, including names of Object.prototype properties', () => {
    for (const unknown of ['bogus', '', 'DELIVERED', 'toString', 'constructor', 'hasOwnProperty', '__proto__']) {
      expect(statusRank(unknown), unknown).toBe(-1);
    }
  });
});
