// A bearer token for the agent API (GET /api/events needs one). BENCH_AGENT_TOKEN wins; else the
// benchmark makes itself an admin in its own throwaway database, the way `npm run admin:create`
// does. That code is loaded by a path in a variable on purpose: the agent workspace is still being
// built, and the benchmark must keep type-checking and running if it moves (the scenario is then
// skipped with the reason).
import type { Database } from '../src/infra/database.ts';

type Bootstrap = (db: Database, input: { name?: string; email: string }) => Promise<{ token: string }>;

export async function agentToken(db: Database, throwawayDatabase: boolean): Promise<{ token?: string; problem?: string }> {
  const given = process.env.BENCH_AGENT_TOKEN?.trim();
  if (given) return { token: given };
  if (!throwawayDatabase) return { problem: 'set BENCH_AGENT_TOKEN (the benchmark creates agents only in a database of its own)' };
  const modulePath = '../src/cli/bootstrap-admin.ts';
  try {
    const { bootstrapAdmin } = (await import(modulePath)) as { bootstrapAdmin: Bootstrap };
    const { token } = await bootstrapAdmin(db, { name: 'Benchmark', email: 'benchmark@example.com' });
    return { token };
  } catch (error) {
    return { problem: `could not create an agent token (${String(error)}); set BENCH_AGENT_TOKEN` };
  }
}
