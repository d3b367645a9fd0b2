// Names for the statements Prisma's pg adapter sends, so PostgreSQL parses and plans each one
// once per connection instead of on every call. The benchmark found this mattered more than it
// looks: on a 2-core machine the backend a statement wakes runs at once, so the parse and plan of
// the store's long CTEs kept the API's event loop waiting in the socket write (a micro-benchmark
// halved one such statement's round trip by preparing it).
//
// Written here because the adapter only offers the hook (`statementNameGenerator`). A name must
// always mean the same text (pg refuses a name reused for another statement, and PostgreSQL
// keeps what it parsed for the session), so it is a digest of the text. Statements whose text
// varies with their arguments (an IN list of n items) would each be kept per connection for its
// lifetime: past `limit` distinct texts, new ones are sent unnamed, as before.
import { createHash } from 'node:crypto';

/** Distinct statement texts this process names; the app's own statements are far fewer. */
export const NAMED_STATEMENT_LIMIT = 1000;

export type StatementNamer = (query: { sql: string }) => string | undefined;

export function statementNamer(limit = NAMED_STATEMENT_LIMIT): StatementNamer {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit) return undefined;
    // 27 characters: within PostgreSQL's 63-byte identifiers, with no practical chance of two
    // texts sharing one.
    const name = `s${createHash('sha1').update(sql).digest('base64url')}`;
    names.set(sql, name);
    return name;
  };
}
