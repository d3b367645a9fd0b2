// The one judgement of an outbound body that the API, the workflow and the emulator share:
// Twilio's 1600 counted in UTF-16 code units, the encoding and segments Twilio will use, and
// our segment cap.
import { describe, expect, it } from 'vitest';
import { checkMessageBody, MAX_BODY_CHARACTERS, MAX_SEGMENTS, measureBody, twilioCharacterCount } from './message-limits.ts';

const EMOJI = '😀'; // outside the BMP: one code point, two UTF-16 code units

describe('the limits', () => {
  it('are Twilio’s 1600 and the segments of a 1600-character GSM-7 body', () => {
    expect(MAX_BODY_CHARACTERS).toBe(1600);
    expect(MAX_SEGMENTS).toBe(11);
    expect(measureBody('x'.repeat(1600)).segments).toBe(MAX_SEGMENTS);
  });
});

describe('twilioCharacterCount', () => {
  it.each([
    ['plain GSM-7', 'Hello', 5],
    ['an emoji counts 2', EMOJI, 2],
    ['a flag is two regional indicators, 2 each', '🇬🇧', 4],
    ['a BMP character outside GSM-7 counts 1', 'ł', 1],
    ['a GSM-7 extension character counts 1 (it takes two septets, not two characters)', '€', 1],
    ['900 emoji are 1800', EMOJI.repeat(900), 1800],
  ])('%s', (_name, body, expected) => {
    expect(twilioCharacterCount(body)).toBe(expected);
  });
});

describe('checkMessageBody', () => {
  it.each<[string, string, { encoding: 'GSM-7' | 'UCS-2'; segments: number; characters: number }]>([
    ['one GSM-7 segment', 'x'.repeat(160), { encoding: 'GSM-7', segments: 1, characters: 160 }],
    ['two GSM-7 segments', 'x'.repeat(161), { encoding: 'GSM-7', segments: 2, characters: 161 }],
    ['exactly 1600 GSM-7 characters: 11 segments', 'y'.repeat(1600), { encoding: 'GSM-7', segments: 11, characters: 1600 }],
    ['one UCS-2 segment', 'ł'.repeat(70), { encoding: 'UCS-2', segments: 1, characters: 70 }],
    ['two UCS-2 segments', 'ł'.repeat(71), { encoding: 'UCS-2', segments: 2, characters: 71 }],
    ['the longest UCS-2 body under the cap', '中'.repeat(737), { encoding: 'UCS-2', segments: 11, characters: 737 }],
    ['a few emoji', `Thanks ${EMOJI}`, { encoding: 'UCS-2', segments: 1, characters: 9 }],
  ])('accepts %s', (_name, body, expected) => {
    expect(checkMessageBody(body)).toEqual({ ok: true, ...expected });
  });

  it.each<[string, string, string, Record<string, unknown>, string]>([
    ['an empty body', '', 'invalid_message', { characters: 0 }, 'empty'],
    ['a whitespace-only body', ' \n\t ', 'invalid_message', { characters: 4 }, 'empty'],
    ['1601 GSM-7 characters', 'x'.repeat(1601), 'body_too_long', { characters: 1601, encoding: 'GSM-7', segments: 11 }, '1601 characters'],
    ['900 emoji (900 code points, 1800 code units)', EMOJI.repeat(900), 'body_too_long', { characters: 1800, encoding: 'UCS-2', segments: 28 }, '1800 characters'],
    ['801 emoji: one code point past 800, two code units past 1600', EMOJI.repeat(801), 'body_too_long', { characters: 1602 }, '1602 characters'],
    ['700 emoji (22 UCS-2 segments)', EMOJI.repeat(700), 'too_many_segments', { characters: 1400, encoding: 'UCS-2', segments: 22 }, '22 UCS-2 segments'],
    ['738 UCS-2 characters', '中'.repeat(738), 'too_many_segments', { characters: 738, encoding: 'UCS-2', segments: 12 }, '12 UCS-2 segments'],
    // Escape + character pairs are never split across parts: 76 per part, not 153 septets.
    ['1600 GSM-7 extension characters', '€'.repeat(1600), 'too_many_segments', { characters: 1600, encoding: 'GSM-7', segments: 22 }, '22 GSM-7 segments'],
  ])('refuses %s with %s, saying what it counted', (_name, body, code, counts, says) => {
    const verdict = checkMessageBody(body);
    expect(verdict).toMatchObject({ ok: false, code, message: expect.stringContaining(says), details: { ...counts, maxCharacters: 1600, maxSegments: 11 } });
  });

  it('allows an empty body when the caller says media carries the message', () => {
    expect(checkMessageBody('', { allowEmpty: true })).toEqual({ ok: true, characters: 0, encoding: 'GSM-7', segments: 1 });
  });

  // Twilio's calculator takes tens of seconds on a text this long (its cost grows faster than
  // the text), so the check must not run it: only the length is reported.
  it('answers at once for a body far over the limit, without measuring it', () => {
    const verdict = checkMessageBody('x'.repeat(200_000));
    expect(verdict).toEqual({
      ok: false,
      code: 'body_too_long',
      message: expect.stringContaining('200000'),
      details: { characters: 200_000, maxCharacters: 1600, maxSegments: 11 },
    });
  });
});
