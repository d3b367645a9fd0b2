// Opaque keyset cursors: the sort key (a timestamp and the id that breaks ties) of the last row
// of a page, so the next page starts strictly after it however many rows arrive meanwhile.
// The kind tag stops a cursor from one list being replayed against another.
import { HttpError } from '../../http-error.ts';

export type CursorKind = 'conversations' | 'messages' | 'events';

export interface CursorPosition {
  at: Date;
  id: string;
}

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([kind, position.at.toISOString(), position.id]), 'utf8').toString('base64url');
}

function invalidCursor(): HttpError {
  const message = 'The cursor is not one this list handed out; start again without it';
  return new HttpError(400, 'invalid_cursor', message, { fields: [{ field: 'query.cursor', message }] });
}

/** Reads a cursor back; anything this API did not hand out for this list is a 400. */
export function decodeCursor(kind: CursorKind, cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== kind) throw invalidCursor();
  const [, iso, id] = parsed as unknown[];
  if (typeof iso !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 64) throw invalidCursor();
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw invalidCursor();
  return { at, id };
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
