import { describe, expect, it } from 'vitest';
import { statementNamer } from './statement-names.ts';

describe('statementNamer', () => {
  it('gives one text one name, another text another, within PostgreSQL identifier length', () => {
    const name = statementNamer();
    const first = name({ sql: 'SELECT 1' });
    expect(first).toMatch(/^s[\w-]{27}$/);
    expect(name({ sql: 'SELECT 1' })).toBe(first);
    expect(name({ sql: 'SELECT 2' })).not.toBe(first);
    // Another process (another namer) names the same text alike: names hold across restarts.
    expect(statementNamer()({ sql: 'SELECT 1' })).toBe(first);
  });

  it('sends texts past its limit unnamed, and keeps naming the ones it knows', () => {
    const name = statementNamer(2);
    const a = name({ sql: 'SELECT $1::int' });
    expect(name({ sql: 'SELECT $1::text' })).toBeDefined();
    expect(name({ sql: 'SELECT $1::bigint' })).toBeUndefined();
    expect(name({ sql: 'SELECT $1::int' })).toBe(a);
  });
});
