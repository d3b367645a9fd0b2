// Times as agents read them: how long a customer has waited, when something happened or will,
// and the conversion between the browser's datetime-local inputs and the API's ISO 8601.

export function waitingFor(sinceIso: string, now: number): string {
  return durationWords(now - Date.parse(sinceIso));
}

/** "under a minute", "17 min", "2 h 5 min", "3 d 4 h": a span of time, rounded down. */
export function durationWords(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const timeWithSecondsFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeWithSecondsFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function clockTime(iso: string, now: number): string {
  const date = new Date(iso);
  return new Date(now).toDateString() === date.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** Like clockTime, with the seconds when the moment has any (a send time an agent set to the second). */
export function preciseClockTime(iso: string, now: number): string {
  const date = new Date(iso);
  if (date.getSeconds() === 0) return clockTime(iso, now);
  return new Date(now).toDateString() === date.toDateString() ? timeWithSecondsFormat.format(date) : dateTimeWithSecondsFormat.format(date);
}

/** "in 5 min", "in 2 h", "in 3 d"; "due now" once the moment has come (the server is on it). */
export function timeUntil(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds <= 0) return 'due now';
  if (seconds < 60) return 'in under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} d`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The browser's UTC offset at that moment, as ISO 8601 writes it ("+05:30", "-03:30"). */
export function isoOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/**
 * A datetime-local value ("2026-12-01T09:00" or with ":30" seconds), read in the browser's time
 * zone, as ISO 8601 with that zone's offset (what `sendAt` requires); null when incomplete.
 */
export function localInputToIso(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  const date = new Date(year!, month! - 1, day!, hour!, minute!, second!);
  if (Number.isNaN(date.getTime())) return null;
  // From the Date, not the typed text: a time inside a DST gap moves forward as the browser does.
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${isoOffset(date)}`;
}

/** An ISO moment as a datetime-local value in the browser's time zone (to the second). */
export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "UTC+05:30": which clock a datetime-local input is read in. */
export function browserZoneLabel(now: number): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${zone ? `${zone}, ` : ''}UTC${isoOffset(new Date(now))}`;
}
