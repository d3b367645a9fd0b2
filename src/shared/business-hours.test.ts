import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessSecondsBetween, isOpen, nextOpening, parseBusinessHours } from './business-hours.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// 2026-11-30 is a Monday.
const london = parseBusinessHours('Mon-Fri 09:00-17:00', 'Europe/London', ['2026-12-25']);

describe('business hours', () => {
  it('is open inside an interval and closed at its boundaries as a clock reads them', () => {
    expect(isOpen(london, at('2026-11-30T08:59:59Z'))).toBe(false);
    expect(isOpen(london, at('2026-11-30T09:00:00Z'))).toBe(true);
    expect(isOpen(london, at('2026-11-30T16:59:59Z'))).toBe(true);
    expect(isOpen(london, at('2026-11-30T17:00:00Z'))).toBe(false);
    expect(isOpen(london, at('2026-12-05T12:00:00Z'))).toBe(false); // Saturday
    expect(isOpen(null, at('2026-12-05T12:00:00Z'))).toBe(true); // no hours: always open
  });

  it('finds the next opening across a weekend and a closed date', () => {
    expect(iso(nextOpening(london, at('2026-12-04T18:00:00Z')))).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(nextOpening(london, at('2026-12-24T17:30:00Z')))).toBe('2026-12-28T09:00:00.000Z');
    expect(iso(nextOpening(london, at('2026-11-30T10:00:00Z')))).toBe('2026-11-30T10:00:00.000Z');
  });

  it('pauses an SLA clock overnight: 15 minutes asked at 16:50 fall due at 09:05 the next day', () => {
    expect(iso(addBusinessTime(london, at('2026-11-30T16:50:00Z'), 15 * 60))).toBe('2026-12-01T09:05:00.000Z');
    expect(iso(addBusinessTime(london, at('2026-11-30T20:00:00Z'), 15 * 60))).toBe('2026-12-01T09:15:00.000Z');
    expect(iso(addBusinessTime(null, at('2026-11-30T20:00:00Z'), 15 * 60))).toBe('2026-11-30T20:15:00.000Z');
  });

  it('follows the local clock through a daylight-saving change', () => {
    // London moves to BST on 2027-03-28: 09:00 local is 08:00 UTC from then on.
    expect(iso(nextOpening(london, at('2027-03-27T12:00:00Z')))).toBe('2027-03-29T08:00:00.000Z');
  });

  it('counts only open time between two instants', () => {
    expect(businessSecondsBetween(london, at('2026-11-30T16:50:00Z'), at('2026-12-01T09:05:00Z'))).toBe(15 * 60);
    expect(businessSecondsBetween(london, at('2026-12-05T10:00:00Z'), at('2026-12-06T10:00:00Z'))).toBe(0);
  });

  it('refuses what it cannot read, naming the part', () => {
    expect(() => parseBusinessHours('Mon-Fri 9-5', 'UTC')).toThrow(/Mon-Fri 9-5/);
    expect(() => parseBusinessHours('Funday 09:00-17:00', 'UTC')).toThrow(/weekday/);
    expect(() => parseBusinessHours('Mon 09:00-17:00', 'Nowhere/Else')).toThrow(/time zone/);
    expect(() => parseBusinessHours('Mon 09:00-17:00', 'UTC', ['25/12/2026'])).toThrow(/date/);
  });
});
