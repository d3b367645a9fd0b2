// The thread's cursor: the position of the oldest item of a page, in the thread's order
// (time, then kind, then id), so "load earlier" starts strictly before it however many items
// arrive meanwhile. Format `t<epoch ms>.<e|m|n>.<id as base64url>` (event, message, note): like
// the lists' cursors (cursor.ts), every string that matches is a position.
import { normalizeStorableText } from '../../../shared/storable-text.ts';
import { HttpError } from '../../http-error.ts';
import { textField } from '../../routing/text-field.ts';

export type ThreadKind = 'event' | 'message' | 'note';

export interface ThreadPosition {
  at: Date;
  kind: ThreadKind;
  id: string;
}

const LETTER: Record<ThreadKind, string> = { event: 'e', message: 'm', note: 'n' };
const KIND_OF: Record<string, ThreadKind> = { e: 'event', m: 'message', n: 'note' };
export const THREAD_CURSOR_PATTERN = /^t(\d{1,14})\.([emn])\.([A-Za-z0-9_-]{1,172})$/;
const INVALID = 'is not a cursor of this thread; start again without it';

/** Ties at the same moment are ordered by kind in this order (alphabetical), then by id. */
export const KIND_ORDER: Record<ThreadKind, number> = { event: 0, message: 1, note: 2 };

export const threadCursorField = textField({
  pattern: THREAD_CURSOR_PATTERN,
  patternMessage: INVALID,
  refusal: 'invalid_cursor',
  description: 'The `nextBefore` of the previous page: items strictly earlier than it (pattern `t<epoch ms>.<e|m|n>.<id as base64url>`)',
});

export function encodeThreadCursor(position: ThreadPosition): string {
  return `t${position.at.getTime()}.${LETTER[position.kind]}.${Buffer.from(position.id, 'utf8').toString('base64url')}`;
}

export function decodeThreadCursor(cursor: string | undefined): ThreadPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = THREAD_CURSOR_PATTERN.exec(cursor);
  if (!match) {
    throw new HttpError(400, 'invalid_cursor', `query.before ${INVALID}`, { fields: [{ field: 'query.before', message: INVALID }] });
  }
  // A forged id that does not decode to storable text still sorts somewhere instead of failing the query.
  const id = normalizeStorableText(Buffer.from(match[3]!, 'base64url').toString('utf8')).text;
  return { at: new Date(Number(match[1])), kind: KIND_OF[match[2]!]!, id };
}

/**
 * Prisma `where` on (createdAt, id) for the rows of one kind strictly before `before` in the
 * thread's order: an earlier kind at the same moment comes before, a later one after.
 */
export function earlierThan(kind: ThreadKind, before: ThreadPosition | undefined) {
  if (!before) return {};
  if (KIND_ORDER[kind] < KIND_ORDER[before.kind]) return { createdAt: { lte: before.at } };
  if (KIND_ORDER[kind] > KIND_ORDER[before.kind]) return { createdAt: { lt: before.at } };
  return { OR: [{ createdAt: { lt: before.at } }, { createdAt: before.at, id: { lt: before.id } }] };
}
