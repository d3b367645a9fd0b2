// The checks /readyz runs. Each is small and takes what it probes as an argument, so the API
// (Temporal through its client) and the worker (through its native connection) share them.
import type { Database } from '../infra/database.ts';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from '../infra/migrations.ts';
import type { ReadinessCheck } from './readiness.ts';

export function databaseCheck(db: Database): ReadinessCheck {
  return { name: 'database', run: async () => void (await db.$queryRaw`SELECT 1`) };
}

/**
 * Every migration in prisma/migrations is recorded as finished in `_prisma_migrations`: the
 * schema this code expects is there. (Processes migrate at start-up; a process that runs
 * against a database another deploy has not migrated yet must not take traffic.)
 */
export function migrationsCheck(db: Database, dir = DEFAULT_MIGRATIONS_DIR): ReadinessCheck {
  // The files do not change while the process runs.
  let expected: Promise<string[]> | undefined;
  return {
    name: 'migrations',
    async run() {
      expected ??= readMigrations(dir).then((files) => files.map((file) => file.name));
      const names = await expected.catch((error: unknown) => {
        expected = undefined;
        throw error;
      });
      const [table] = await db.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`;
      // No bookkeeping table yet: nothing has been migrated.
      const applied = table?.present
        ? await db.$queryRaw<{ migration_name: string }[]>`
            SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`
        : [];
      const done = new Set(applied.map((row) => row.migration_name));
      const pending = names.filter((name) => !done.has(name));
      return pending.length === 0 ? { ok: true } : { ok: false, reason: `${pending.length} pending`, detail: { pending } };
    },
  };
}

/** Temporal answers a cheap call (GetSystemInfo, what the SDK itself uses to check a connection). */
export function temporalCheck(probe: () => Promise<unknown>): ReadinessCheck {
  return { name: 'temporal', run: async () => void (await probe()) };
}
