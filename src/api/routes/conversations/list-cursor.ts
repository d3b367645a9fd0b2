// Cursors of the conversation list, one form per sort, each the sort key of a page's last row:
//   recent:          c<last activity, epoch ms>.<id as base64url>                (cursor.ts)
//   oldest_waiting:  w<1|0 needs attention>.<waiting since, epoch ms, or n>.<last activity ms>.<id as base64url>
// A cursor continues the order it was made in, whatever `sort` says, so every string matching
// the published pattern is a position the list can start from.
import { normalizeStorableText } from '../../../shared/storable-text.ts';
import { HttpError } from '../../http-error.ts';
import { textField } from '../../routing/text-field.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export type ConversationSort = 'recent' | 'oldest_waiting';

export type ListPosition =
  | { sort: 'recent'; at: Date; id: string }
  | { sort: 'oldest_waiting'; needsAttention: boolean; waitingSince: Date | null; at: Date; id: string };

const ID = '[A-Za-z0-9_-]{1,172}';
const LIST_CURSOR_PATTERN = new RegExp(`^(?:c\\d{1,14}|w[01]\\.(?:\\d{1,14}|n)\\.\\d{1,14})\\.${ID}$`);
const WAITING_CURSOR = new RegExp(`^w([01])\\.(\\d{1,14}|n)\\.(\\d{1,14})\\.(${ID})$`);
const INVALID = 'is not a cursor of this list; start again without it';

export const listCursorField = textField({
  pattern: LIST_CURSOR_PATTERN,
  patternMessage: INVALID,
  refusal: 'invalid_cursor',
  description:
    'The `nextCursor` of the previous page: `c<epoch ms>.<row id as base64url>` (sort=recent) or ' +
    '`w<1|0>.<epoch ms|n>.<epoch ms>.<row id as base64url>` (sort=oldest_waiting). A cursor continues the order it was made in',
});

export function encodeListCursor(position: ListPosition): string {
  if (position.sort === 'recent') return encodeCursor('conversations', position);
  const waiting = position.waitingSince ? String(position.waitingSince.getTime()) : 'n';
  return `w${position.needsAttention ? 1 : 0}.${waiting}.${position.at.getTime()}.${Buffer.from(position.id, 'utf8').toString('base64url')}`;
}

export function decodeListCursor(cursor: string | undefined): ListPosition | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.startsWith('c')) {
    const position = decodeCursor('conversations', cursor)!;
    return { sort: 'recent', ...position };
  }
  const match = WAITING_CURSOR.exec(cursor);
  if (!match) {
    throw new HttpError(400, 'invalid_cursor', `query.cursor ${INVALID}`, { fields: [{ field: 'query.cursor', message: INVALID }] });
  }
  return {
    sort: 'oldest_waiting',
    needsAttention: match[1] === '1',
    waitingSince: match[2] === 'n' ? null : new Date(Number(match[2])),
    at: new Date(Number(match[3])),
    // A forged id that does not decode to storable text still sorts somewhere instead of failing the query.
    id: normalizeStorableText(Buffer.from(match[4]!, 'base64url').toString('utf8')).text,
  };
}
