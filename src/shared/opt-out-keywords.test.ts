// Twilio's default compliance keywords count only as the whole message: one word, any case,
// surrounding whitespace and punctuation ignored.
import { describe, expect, it } from 'vitest';
import { classifyComplianceKeyword } from './opt-out-keywords.ts';

const OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const OPT_IN = ['START', 'YES', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

function capitalised(word: string): string {
  return word[0] + word.slice(1).toLowerCase();
}

describe('classifyComplianceKeyword', () => {
  const cases = [
    ...OPT_OUT.map((keyword) => ({ keyword, kind: 'opt-out' as const })),
    ...OPT_IN.map((keyword) => ({ keyword, kind: 'opt-in' as const })),
    ...HELP.map((keyword) => ({ keyword, kind: 'help' as const })),
  ];

  it.each(cases)('classifies $keyword as $kind in any case', ({ keyword, kind }) => {
    for (const body of [keyword, keyword.toLowerCase(), capitalised(keyword)]) {
      expect(classifyComplianceKeyword(body)).toEqual({ kind, keyword });
    }
  });

  it.each(cases)('ignores whitespace and punctuation around $keyword', ({ keyword, kind }) => {
    for (const body of [`${keyword}.`, ` ${capitalised(keyword)}! `, `\n${keyword.toLowerCase()}\t`, `"${keyword}"`, `${keyword}!!!`, `...${keyword}?`]) {
      expect(classifyComplianceKeyword(body)).toEqual({ kind, keyword });
    }
  });

  it('reports the keyword upper-cased whatever the customer typed', () => {
    expect(classifyComplianceKeyword('stop.')).toEqual({ kind: 'opt-out', keyword: 'STOP' });
    expect(classifyComplianceKeyword(' Stop! ')).toEqual({ kind: 'opt-out', keyword: 'STOP' });
    expect(classifyComplianceKeyword('uNsToP')).toEqual({ kind: 'opt-in', keyword: 'UNSTOP' });
    expect(classifyComplianceKeyword('info?')).toEqual({ kind: 'help', keyword: 'INFO' });
  });

  it('does not count a keyword inside a longer message', () => {
    for (const body of ['stop it', 'please stop', 'STOP STOP', 'stop!!! now', 'yes please', 'help me', 'I need info', 'stop. please']) {
      expect(classifyComplianceKeyword(body), body).toBeUndefined();
    }
  });

  it('does not count a word that merely contains a keyword', () => {
    for (const body of ['stopped', 'unstoppable', 'Yesterday', 'helpful', 'information', 'ending', 'cancelled', 'quitting', 'starting']) {
      expect(classifyComplianceKeyword(body), body).toBeUndefined();
    }
  });

  it('does not count the opt-out keyword split in two ("opt out")', () => {
    expect(classifyComplianceKeyword('opt out')).toBeUndefined();
  });

  it('returns undefined for empty, blank and punctuation-only bodies and for other words', () => {
    for (const body of ['', '   ', '?!', '.', 'hello', 'ok', 'no']) {
      expect(classifyComplianceKeyword(body), JSON.stringify(body)).toBeUndefined();
    }
  });
});
