import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cursorField, cursorPattern, decodeCursor, encodeCursor, type CursorKind } from './cursor.ts';

const KINDS: CursorKind[] = ['conversations', 'messages', 'events'];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function randomCursorText(letter: string): string {
  const digits = Array.from({ length: 1 + Math.floor(Math.random() * 14) }, () => Math.floor(Math.random() * 10)).join('');
  const encoded = Array.from({ length: 1 + Math.floor(Math.random() * 172) }, () => BASE64URL[Math.floor(Math.random() * 64)]).join('');
  return `${letter}${digits}.${encoded}`;
}

describe('cursors', () => {
  it('read back the position they were made from, and match their list’s published pattern', () => {
    for (const kind of KINDS) {
      const position = { at: new Date('2026-03-04T05:06:07.089Z'), id: randomUUID() };
      const cursor = encodeCursor(kind, position);
      expect(cursor).toMatch(cursorPattern(kind));
      expect(cursorField(kind).safeParse(cursor).success).toBe(true);
      expect(decodeCursor(kind, cursor)).toEqual(position);
    }
  });

  it('are refused by every other list', () => {
    const cursor = encodeCursor('messages', { at: new Date(), id: randomUUID() });
    expect(cursorField('conversations').safeParse(cursor).success).toBe(false);
    expect(() => decodeCursor('events', cursor)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_cursor' }));
  });

  it('decode any text matching the pattern into a position PostgreSQL can compare (the document promises it)', () => {
    for (let run = 0; run < 500; run++) {
      const text = randomCursorText('e');
      expect(cursorField('events').safeParse(text).success, text).toBe(true);
      const position = decodeCursor('events', text)!;
      expect(Number.isNaN(position.at.getTime()), text).toBe(false);
      // Stays within PostgreSQL's timestamps and ISO 8601's four-digit years.
      expect(position.at.toISOString()).toMatch(/^\d{4}-/);
      expect(position.id).not.toContain('\u0000');
    }
    // "AA" is a single NUL byte: made storable rather than sent to PostgreSQL.
    expect(decodeCursor('events', 'e0.AA')?.id).toBe('\uFFFD');
  });
});
