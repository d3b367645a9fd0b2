// Keyset cursors: the sort key (a timestamp and the id that breaks ties) of the last row of a
// page, so the next page starts strictly after it however many rows arrive meanwhile.
//
// The format is published (the OpenAPI document gives each list's pattern), and every string
// that matches it is a position the list can start from, so a client can tell a good cursor from
// a bad one without asking: `<list letter><epoch milliseconds>.<the id, UTF-8, base64url>`, e.g.
// `c1718000000000.NmQ1…`. The letter (c, m, e) stops a cursor of one list from being replayed
// against another. The milliseconds have at most 14 digits (until the year 5138), so the moment
// always stays within what PostgreSQL stores.
import { normalizeStorableText } from '../../../shared/storable-text.ts';
import { textField } from '../../routing/text-field.ts';
import { HttpError } from '../../http-error.ts';

export type CursorKind = 'conversations' | 'messages' | 'events';

export interface CursorPosition {
  at: Date;
  id: string;
}

const LETTER: Record<CursorKind, string> = { conversations: 'c', messages: 'm', events: 'e' };
/** Ids are UUIDs (48 base64url characters); the room left is for ids of another shape. */
const MAX_ENCODED_ID = 172;

export function cursorPattern(kind: CursorKind): RegExp {
  return new RegExp(`^${LETTER[kind]}(\\d{1,14})\\.([A-Za-z0-9_-]{1,${MAX_ENCODED_ID}})$`);
}

const INVALID_CURSOR = 'is not a cursor of this list; start again without it';

/** The `cursor` query parameter of one list; anything else is refused with 400 invalid_cursor. */
export function cursorField(kind: CursorKind) {
  return textField({
    pattern: cursorPattern(kind),
    patternMessage: INVALID_CURSOR,
    refusal: 'invalid_cursor',
    description: `The \`nextCursor\` of the previous page (pattern: \`${LETTER[kind]}<epoch ms>.<row id as base64url>\`)`,
  });
}

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  return `${LETTER[kind]}${position.at.getTime()}.${Buffer.from(position.id, 'utf8').toString('base64url')}`;
}

/**
 * Reads a cursor back. Any text matching the list's pattern is a position; an id that does not
 * decode to storable text (only a forged cursor holds one) is made storable, so it still sorts
 * somewhere instead of failing the query.
 */
export function decodeCursor(kind: CursorKind, cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = cursorPattern(kind).exec(cursor);
  if (!match) {
    const message = `query.cursor ${INVALID_CURSOR}`;
    throw new HttpError(400, 'invalid_cursor', message, { fields: [{ field: 'query.cursor', message: INVALID_CURSOR }] });
  }
  const id = normalizeStorableText(Buffer.from(match[2]!, 'base64url').toString('utf8')).text;
  return { at: new Date(Number(match[1])), id };
}

/**
 * Fetching one row more than the page tells whether another page exists without a count query.
 * Returns the page and the cursor of its last row when more rows follow.
 */
export function pageOf<T>(
  rows: T[],
  limit: number,
  kind: CursorKind,
  positionOf: (row: T) => CursorPosition,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(kind, positionOf(last)) : null };
}
