// Against a real PostgreSQL: with prepared statements on (as the API and worker ask for it unless
// DATABASE_PREPARED_STATEMENTS=false) a connection keeps the app's statements after their first
// use; off (the default, and always for the embedded PGlite server) it keeps none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { loadConversationState } from '../store/conversation-load.ts';
import { createDatabase } from './database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** Runs the same store call twice on a one-connection pool; returns that session's prepared statements. */
async function preparedAfterTwoLoads(preparedStatements: boolean | undefined): Promise<string[]> {
  const db = createDatabase(database.url, { poolMax: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
  try {
    const key = { businessNumber: '+15005550006', customerNumber: '+447700900123' };
    const first = await loadConversationState(db, key);
    expect(await loadConversationState(db, key)).toEqual(first);
    const rows = await db.$queryRaw<Array<{ statement: string }>>`SELECT statement FROM pg_prepared_statements`;
    return rows.map((row) => row.statement);
  } finally {
    await db.$disconnect();
  }
}

describe('createDatabase', () => {
  it('prepares each statement once per connection when asked to', async () => {
    const statements = await preparedAfterTwoLoads(true);
    expect(statements.filter((text) => text.includes('agent_has_replied'))).toHaveLength(1);
  });

  it('prepares nothing when prepared statements are off, and by default', async () => {
    expect(await preparedAfterTwoLoads(false)).toEqual([]);
    expect(await preparedAfterTwoLoads(undefined)).toEqual([]);
  });
});
