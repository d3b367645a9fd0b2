import { describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../shared/business-hours.ts';
import { autoCloseAt, deadlineSummary, dueScheduled, nextDeadline, slaDueAt, slaTargetSeconds, waitingWords, type ClockState } from './timekeeping.ts';

const T0 = Date.parse('2026-11-30T10:00:00Z'); // a Monday
const base: ClockState = {
  status: 'open',
  needsAttention: false,
  optedOut: false,
  settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600, sla: { firstReplySeconds: 900, followUpSeconds: 1800 }, autoCloseSeconds: 86_400 },
  lastActivityAt: T0,
  scheduled: [],
};
const send = (messageId: string, sendAt: number) => ({ messageId, clientRef: `ref-${messageId}`, body: 'hi', sendAt });

describe('the conversation clocks', () => {
  it('takes the first-reply target until a person has replied, then the follow-up one', () => {
    expect(slaTargetSeconds(base)).toBe(900);
    expect(slaTargetSeconds({ ...base, agentHasReplied: true })).toBe(1800);
    expect(slaTargetSeconds({ ...base, settings: { ...base.settings, sla: { firstReplySeconds: 0, followUpSeconds: 0 } } })).toBeNull();
    expect(slaTargetSeconds({ ...base, settings: { ...base.settings, sla: undefined } })).toBeNull();
  });

  it('is due at the earliest of an SLA breach, a scheduled message and auto-close, and never for a breach already escalated', () => {
    const waiting = { ...base, needsAttention: true, waitingSince: T0 };
    expect(slaDueAt(waiting)).toBe(T0 + 900_000);
    expect(nextDeadline(waiting)).toBe(T0 + 900_000); // needing a person: no auto-close
    expect(nextDeadline({ ...waiting, scheduled: [send('a', T0 + 60_000)] })).toBe(T0 + 60_000);
    expect(nextDeadline({ ...waiting, slaBreached: true })).toBeNull();
    expect(nextDeadline(base)).toBe(T0 + 86_400_000);
  });

  it('never closes by itself a conversation that needs a person, is closed, or has a message waiting', () => {
    expect(autoCloseAt(base)).toBe(T0 + 86_400_000);
    expect(autoCloseAt({ ...base, needsAttention: true })).toBeNull();
    expect(autoCloseAt({ ...base, status: 'closed' })).toBeNull();
    expect(autoCloseAt({ ...base, scheduled: [send('a', T0 + 1)] })).toBeNull();
    expect(autoCloseAt({ ...base, settings: { ...base.settings, autoCloseSeconds: 0 } })).toBeNull();
  });

  it('pauses the SLA outside business hours', () => {
    const hours = parseBusinessHours('Mon-Fri 09:00-17:00', 'UTC');
    const lateMonday = Date.parse('2026-11-30T16:55:00Z');
    const state = { ...base, needsAttention: true, waitingSince: lateMonday, settings: { ...base.settings, businessHours: hours } };
    expect(new Date(slaDueAt(state)!).toISOString()).toBe('2026-12-01T09:10:00.000Z');
  });

  it('lists due messages soonest first and names what a timer waits for', () => {
    const state = { ...base, scheduled: [send('late', T0 + 20), send('early', T0 + 10), send('future', T0 + 99_000)] };
    expect(dueScheduled(state, T0 + 30).map((item) => item.messageId)).toEqual(['early', 'late']);
    expect(deadlineSummary(state, T0 + 10)).toBe(`scheduled message due at ${new Date(T0 + 10).toISOString()}`);
  });

  it('says how long in words agents read', () => {
    expect(waitingWords(40_000)).toBe('waiting 40 s');
    expect(waitingWords(17 * 60_000 + 5_000)).toBe('waiting 17 min');
    expect(waitingWords(125 * 60_000)).toBe('waiting 2 h 5 min');
    expect(waitingWords(120 * 60_000)).toBe('waiting 2 h');
  });
});
