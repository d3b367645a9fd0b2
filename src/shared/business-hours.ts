// Business hours: weekly opening intervals in a time zone, minus closed dates. Pure and
// clock-free, so the workflow can use it (its clock is the workflow task's) and the API, the
// config and the tests judge time the same way. Luxon does the time-zone arithmetic (DST
// included); nothing here guesses offsets.
import { DateTime } from 'luxon';

/** One opening interval on a weekday (1 = Monday … 7 = Sunday), local wall-clock "HH:MM". */
export interface OpeningInterval {
  weekday: number;
  open: string;
  close: string;
}

/** Plain JSON: it travels in the workflow's settings. */
export interface BusinessHours {
  timeZone: string;
  intervals: OpeningInterval[];
  /** Local dates (YYYY-MM-DD) the business is closed all day. */
  closedDates: string[];
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** A week and a bit of closed dates around it: beyond this nothing opens, so stop looking. */
const SEARCH_DAYS = 400;

function weekdayIndex(name: string): number {
  const index = WEEKDAYS.indexOf(name.slice(0, 3).toLowerCase());
  if (index < 0) throw new Error(`"${name}" is not a weekday (Mon … Sun)`);
  return index + 1;
}

function minutesOf(time: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!match) throw new Error(`"${time}" is not a time (HH:MM)`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > 24 * 60) throw new Error(`"${time}" is not a time of day`);
  return minutes;
}

/**
 * Parses `Mon-Fri 09:00-17:00, Sat 10:00-14:00` (days or day ranges, then one interval; several
 * entries separated by commas or semicolons). Throws with a message naming the bad part.
 */
export function parseBusinessHours(spec: string, timeZone: string, closedDates: string[] = []): BusinessHours {
  if (!DateTime.local().setZone(timeZone).isValid) throw new Error(`"${timeZone}" is not an IANA time zone (e.g. Europe/London)`);
  for (const date of closedDates) {
    if (!DateTime.fromISO(date, { zone: timeZone }).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      throw new Error(`"${date}" is not a date (YYYY-MM-DD)`);
    }
  }
  const intervals: OpeningInterval[] = [];
  for (const entry of spec.split(/[;,]/).map((part) => part.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]+)(?:\s*-\s*([A-Za-z]+))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not "Day[-Day] HH:MM-HH:MM"`);
    const [, firstDay, lastDay, open, close] = match as unknown as [string, string, string | undefined, string, string];
    if (minutesOf(open) >= minutesOf(close)) throw new Error(`"${entry}": opening must come before closing`);
    const first = weekdayIndex(firstDay);
    const last = lastDay ? weekdayIndex(lastDay) : first;
    for (let day = first; ; day = (day % 7) + 1) {
      intervals.push({ weekday: day, open, close });
      if (day === last) break;
    }
  }
  if (intervals.length === 0) throw new Error('no opening hours given');
  return { timeZone, intervals, closedDates: [...closedDates] };
}

/** The opening intervals of the local day that contains `day`, as epoch-ms pairs, in order. */
function intervalsOn(hours: BusinessHours, day: DateTime): Array<[number, number]> {
  if (hours.closedDates.includes(day.toISODate() ?? '')) return [];
  return hours.intervals
    .filter((interval) => interval.weekday === day.weekday)
    .map((interval): [number, number] => {
      const at = (time: string) => day.startOf('day').plus({ minutes: minutesOf(time) }).toMillis();
      return [at(interval.open), at(interval.close)];
    })
    .sort((a, b) => a[0] - b[0]);
}

/** Opening intervals that end after `from`, in order, over the coming days. */
function* intervalsFrom(hours: BusinessHours, from: number): Generator<[number, number]> {
  let day = DateTime.fromMillis(from, { zone: hours.timeZone }).startOf('day');
  for (let searched = 0; searched < SEARCH_DAYS; searched += 1, day = day.plus({ days: 1 })) {
    for (const interval of intervalsOn(hours, day)) if (interval[1] > from) yield interval;
  }
}

/** Whether the business is open at `at`. No hours configured: always open. */
export function isOpen(hours: BusinessHours | null | undefined, at: number): boolean {
  if (!hours) return true;
  for (const [open, close] of intervalsFrom(hours, at)) return open <= at && at < close;
  return false;
}

/** When the business next opens at or after `at` (itself when open); null if it never does. */
export function nextOpening(hours: BusinessHours | null | undefined, at: number): number | null {
  if (!hours) return at;
  for (const [open] of intervalsFrom(hours, at)) return Math.max(open, at);
  return null;
}

/**
 * The instant `seconds` of open business time after `start`: an SLA clock that pauses while
 * the business is closed. Null when the business never opens again (the clock never runs out).
 */
export function addBusinessTime(hours: BusinessHours | null | undefined, start: number, seconds: number): number | null {
  if (!hours) return start + seconds * 1000;
  let remaining = seconds * 1000;
  for (const [open, close] of intervalsFrom(hours, start)) {
    const from = Math.max(open, start);
    if (from + remaining <= close) return from + remaining;
    remaining -= close - from;
  }
  return null;
}

/** Open business time between two instants, in whole seconds (for response-time figures). */
export function businessSecondsBetween(hours: BusinessHours | null | undefined, start: number, end: number): number {
  if (end <= start) return 0;
  if (!hours) return Math.round((end - start) / 1000);
  let total = 0;
  for (const [open, close] of intervalsFrom(hours, start)) {
    if (open >= end) break;
    total += Math.min(close, end) - Math.max(open, start);
  }
  return Math.round(total / 1000);
}
