// The hub against a real PostgreSQL database: NOTIFY-driven delivery, commits that land out of
// id order, rolled-back ids, the bounded replay and its resets, pruning, a listener connection
// killed under it, and closing. Transactions are driven by hand on plain connections so each
// race happens in a known order; the hub's debug log says when it holds events back.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { freePort } from '../../../test/support/free-port.ts';
import { waitFor } from '../../../test/support/wait-for.ts';
import { publishLiveEvent } from '../../store/live-event-publisher.ts';
import { createDatabase, type Database } from '../../infra/database.ts';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres.ts';
import { createLogger } from '../../infra/logger.ts';
import { applyMigrations } from '../../infra/migrations.ts';
import { LIVE_EVENTS_CHANNEL } from '../../shared/live-events.ts';
import { createLiveEventHub, type LiveEventHubOptions } from './create-live-event-hub.ts';
import type { LiveEventHub, LiveEventRecord, LiveEventReset } from './live-event-hub.ts';

let database: TestDatabase;
let db: Database;
const hubs: LiveEventHub[] = [];
const connections: pg.Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 4 });
});

afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close();
  for (const connection of connections.splice(0)) await connection.end().catch(() => undefined);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

/** A hub that hears only NOTIFY (the safety-net poll is a minute away) unless told otherwise. */
async function startHub(overrides: Partial<LiveEventHubOptions> = {}) {
  const { log, lines } = capturingLogger();
  const hub = await createLiveEventHub({ databaseUrl: database.url, db, log, pollIntervalMs: 60_000, ...overrides });
  hubs.push(hub);
  return { hub, lines };
}

interface Collected {
  events: LiveEventRecord[];
  resets: LiveEventReset[];
  ended: boolean;
  unsubscribe(): void;
}

async function collect(hub: LiveEventHub, afterId?: string): Promise<Collected> {
  const collected: Collected = { events: [], resets: [], ended: false, unsubscribe: () => undefined };
  collected.unsubscribe = await hub.subscribe(afterId, (event) => collected.events.push(event), {
    onReset: (reset) => collected.resets.push(reset),
    onEnd: () => {
      collected.ended = true;
    },
  });
  return collected;
}

const idsOf = (collected: Collected) => collected.events.map((event) => event.id);

async function connection(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  connections.push(client);
  return client;
}

/** Inserts an event in the open transaction of `client` and returns its id. */
async function insertEvent(client: pg.Client, type = 'message.received'): Promise<string> {
  const result = await client.query<{ id: string }>('INSERT INTO live_events (type) VALUES ($1) RETURNING id::text AS id', [type]);
  return result.rows[0]!.id;
}

/** One committed event, announced as the worker announces it. */
async function publish(type = 'message.received'): Promise<string> {
  const client = await connection();
  await client.query('BEGIN');
  const id = await insertEvent(client, type);
  await client.query('SELECT pg_notify($1, $2)', ['live_events', id]);
  await client.query('COMMIT');
  return id;
}

async function storedIdsAfter(afterId: string): Promise<string[]> {
  const rows = await db.liveEvent.findMany({ where: { id: { gt: BigInt(afterId) } }, orderBy: { id: 'asc' }, select: { id: true } });
  return rows.map((row) => row.id.toString());
}

/** Waits until the hub has read `id`: a live subscriber was given it. */
async function readBy(watcher: Collected, id: string): Promise<void> {
  await waitFor(`the hub to read event ${id}`, () => watcher.events.some((event) => event.id === id), 2_000, 10);
}

/** The backends of hubs listening on this database. */
function listeners() {
  return db.$queryRaw<Array<{ pid: number; query: string }>>`
    SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sms-live-events'`;
}

function holding(lines: LogLine[], id: string) {
  return () => lines.some((line) => line.msg.includes('holding events behind an uncommitted id') && line.at === id);
}

describe('live delivery', () => {
  it('delivers what the worker publishes through NOTIFY, well before the next poll', async () => {
    const { hub } = await startHub();
    const subscriber = await collect(hub);
    expect((await listeners()).map((row) => row.query)).toEqual(['LISTEN "live_events"']);

    await db.$transaction((tx) =>
      publishLiveEvent(tx, { type: 'conversation.flagged', conversationId: 'c-1', messageId: null, data: { reason: 'help' } }),
    );
    await waitFor('the event', () => subscriber.events.length === 1, 1_000, 10);
    const [event] = subscriber.events;
    expect(event).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'conversation.flagged',
      conversationId: 'c-1',
      messageId: null,
      data: { reason: 'help' },
      createdAt: expect.stringMatching(/Z$/),
    });
    const stored = await db.liveEvent.findUniqueOrThrow({ where: { id: BigInt(event!.id) } });
    expect(event!.createdAt).toBe(stored.createdAt.toISOString());
  });

  it('holds an event back while an earlier id is uncommitted, then delivers both in id order', async () => {
    const { hub, lines } = await startHub();
    const subscriber = await collect(hub);
    const slow = await connection();
    await slow.query('BEGIN');
    const earlier = await insertEvent(slow);
    const later = await publish();
    expect(BigInt(later) > BigInt(earlier)).toBe(true);

    await waitFor('the hub to hold the later event', holding(lines, earlier), 2_000, 10);
    expect(subscriber.events).toEqual([]);

    await slow.query('SELECT pg_notify($1, $2)', ['live_events', earlier]);
    await slow.query('COMMIT');
    await waitFor('both events', () => subscriber.events.length === 2, 2_000, 10);
    expect(idsOf(subscriber)).toEqual([earlier, later]);
  });

  it('skips the id of a transaction that rolled back, promptly', async () => {
    const { hub, lines } = await startHub();
    const subscriber = await collect(hub);
    const doomed = await connection();
    await doomed.query('BEGIN');
    const rolledBack = await insertEvent(doomed);
    const later = await publish();
    await waitFor('the hub to hold the later event', holding(lines, rolledBack), 2_000, 10);

    const rolledBackAt = Date.now();
    await doomed.query('ROLLBACK');
    await waitFor('the later event', () => subscriber.events.length === 1, 2_000, 10);
    expect(Date.now() - rolledBackAt).toBeLessThan(1_000);
    expect(idsOf(subscriber)).toEqual([later]);
    expect(lines.some((line) => line.msg.includes('rolled back') && line.from === rolledBack)).toBe(true);
  });

  it('stops holding after gapMaxWaitMs when a transaction stays open', async () => {
    const { hub, lines } = await startHub({ gapMaxWaitMs: 300 });
    const subscriber = await collect(hub);
    const stuck = await connection();
    await stuck.query('BEGIN');
    const open = await insertEvent(stuck);
    const later = await publish();
    await waitFor('the later event', () => subscriber.events.length === 1, 3_000, 10);
    expect(idsOf(subscriber)).toEqual([later]);
    expect(lines.some((line) => line.level === 40 && line.msg.includes('gave up waiting') && line.from === open)).toBe(true);
    await stuck.query('ROLLBACK');
  });

  it('catches up by polling when no notification comes', async () => {
    const { hub } = await startHub({ pollIntervalMs: 100 });
    const subscriber = await collect(hub);
    const quiet = await connection();
    const id = await insertEvent(quiet);
    await waitFor('the unannounced event', () => subscriber.events.length === 1, 2_000, 10);
    expect(idsOf(subscriber)).toEqual([id]);
  });
});

describe('resuming after an id', () => {
  it('replays what was missed, then live events, with no gap and no duplicate while events keep coming', async () => {
    const { hub } = await startHub();
    const before = await publish();
    for (let index = 0; index < 5; index += 1) await publish();

    // Writers keep committing while subscribers join at different moments of the stream.
    let writing = true;
    const writer = (async () => {
      const written: string[] = [];
      for (let index = 0; index < 40; index += 1) written.push(await publish());
      writing = false;
      return written;
    })();
    const subscribers: Collected[] = [];
    while (writing) {
      subscribers.push(await collect(hub, before));
      await waitFor('another event to be written', async () => !writing || (await storedIdsAfter(before)).length > subscribers.length * 4, 5_000, 5);
    }
    const written = await writer;
    const expected = await storedIdsAfter(before);
    expect(expected.at(-1)).toBe(written.at(-1));
    expect(subscribers.length).toBeGreaterThan(1);
    for (const subscriber of subscribers) {
      await waitFor('every event', () => subscriber.events.length >= expected.length, 5_000, 10);
      expect(idsOf(subscriber)).toEqual(expected);
      expect(subscriber.resets).toEqual([]);
    }
  });

  it('drops what a client already has when it resumes from an id this hub has not read yet', async () => {
    const { hub } = await startHub();
    const quiet = await connection();
    // Committed but not announced: another replica could have read them, this one has not.
    const unread = [await insertEvent(quiet), await insertEvent(quiet), await insertEvent(quiet)];
    const subscriber = await collect(hub, unread[1]);
    const announced = await publish();
    await waitFor('the new event', () => subscriber.events.some((event) => event.id === announced), 2_000, 10);
    expect(idsOf(subscriber)).toEqual([unread[2], announced]);
    expect(subscriber.resets).toEqual([]);
  });

  it('replays only the last historyLimit events and says so with a reset', async () => {
    const { hub } = await startHub({ historyLimit: 3 });
    const watcher = await collect(hub);
    const before = await publish();
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push(await publish());
    await readBy(watcher, ids[4]!);

    const subscriber = await collect(hub, before);
    expect(subscriber.resets).toEqual([{ reason: 'history_truncated', resumeAfterId: (BigInt(ids[2]!) - 1n).toString() }]);
    expect(idsOf(subscriber)).toEqual(ids.slice(2));
  });

  it('does not replay events older than historyMaxAgeMs and says so with a reset', async () => {
    const { hub } = await startHub({ historyMaxAgeMs: 60 * 60 * 1000, pruneIntervalMs: 0 });
    const watcher = await collect(hub);
    const before = await publish();
    const quiet = await connection();
    const old = await quiet.query<{ id: string }>(
      `INSERT INTO live_events (type, created_at) VALUES ('message.received', (now() AT TIME ZONE 'UTC') - interval '2 hours') RETURNING id::text AS id`,
    );
    const fresh = await publish();
    await readBy(watcher, fresh);

    const subscriber = await collect(hub, before);
    expect(subscriber.resets).toEqual([{ reason: 'history_truncated', resumeAfterId: (BigInt(fresh) - 1n).toString() }]);
    expect(idsOf(subscriber)).toEqual([fresh]);
  });

  it('never replays around an event past the retention: what comes before it is not replayed either', async () => {
    const { hub } = await startHub({ historyMaxAgeMs: 60 * 60 * 1000, pruneIntervalMs: 0 });
    const watcher = await collect(hub);
    const before = await publish();
    const earlier = await publish();
    // Older than the retention although its id is newer: a transaction that started long ago.
    const quiet = await connection();
    const old = await quiet.query<{ id: string }>(
      `INSERT INTO live_events (type, created_at) VALUES ('message.received', (now() AT TIME ZONE 'UTC') - interval '2 hours') RETURNING id::text AS id`,
    );
    const later = await publish();
    await readBy(watcher, later);

    const subscriber = await collect(hub, before);
    expect(subscriber.resets).toEqual([{ reason: 'history_truncated', resumeAfterId: old.rows[0]!.id }]);
    expect(idsOf(subscriber)).toEqual([later]);
    expect(idsOf(subscriber)).not.toContain(earlier);
  });

  it('answers an id that was never handed out with a reset, then goes on live', async () => {
    const { hub } = await startHub();
    const watcher = await collect(hub);
    const newest = await publish();
    await readBy(watcher, newest);
    const subscriber = await collect(hub, '987654321987');
    expect(subscriber.resets).toEqual([{ reason: 'unknown_event_id', resumeAfterId: newest }]);
    const next = await publish();
    await waitFor('the next event', () => subscriber.events.length === 1, 2_000, 10);
    expect(idsOf(subscriber)).toEqual([next]);
  });

  it('refuses an afterId that is not an event id', async () => {
    const { hub } = await startHub();
    await expect(hub.subscribe('12abc', () => undefined)).rejects.toThrow(/decimal event id/);
  });
});

describe('housekeeping', () => {
  it('prunes events older than the retention, in bounded batches, and keeps the rest', async () => {
    const quiet = await connection();
    const old = await quiet.query<{ id: string }>(
      `INSERT INTO live_events (type, created_at)
       SELECT 'message.received', (now() AT TIME ZONE 'UTC') - interval '25 hours' FROM generate_series(1, 5)
       RETURNING id::text AS id`,
    );
    const fresh = await publish();
    const { lines } = await startHub({ pruneBatchSize: 2 });
    await waitFor('the old events to be pruned', async () => (await db.liveEvent.count({ where: { id: { in: old.rows.map((row) => BigInt(row.id)) } } })) === 0, 10_000);
    expect(await db.liveEvent.count({ where: { id: BigInt(fresh) } })).toBe(1);
    expect(lines.filter((line) => line.msg.includes('pruned')).map((line) => line.deleted)).toEqual([2, 2, 1]);
  });

  it('reconnects a listener whose connection was killed, and catches up on what it missed', async () => {
    const { hub, lines } = await startHub({ listenerReconnectInitialDelayMs: 400 });
    const subscriber = await collect(hub);
    // Earlier tests' hubs are closed, but their backends may take a moment to leave.
    const [listener] = await waitFor('one listening backend', async () => {
      const found = await listeners();
      return found.length === 1 ? found : undefined;
    });
    await db.$queryRaw`SELECT pg_terminate_backend(${listener!.pid}::int)`;
    await waitFor('the hub to notice', () => lines.some((line) => line.msg.includes('listener connection lost')), 5_000, 10);

    // Announced while nobody listens: only the catch-up read after reconnecting can find it.
    const missed = await publish();
    await waitFor('the missed event', () => subscriber.events.length === 1, 5_000, 10);
    expect(idsOf(subscriber)).toEqual([missed]);
    expect(lines.some((line) => line.msg.includes('listener reconnected'))).toBe(true);

    const next = await publish();
    await waitFor('the next event', () => subscriber.events.length === 2, 1_000, 10);
    expect(idsOf(subscriber)).toEqual([missed, next]);
  });

  it('close() ends every subscription, stops listening and refuses new subscribers', async () => {
    const { log } = capturingLogger();
    const hub = await createLiveEventHub({ databaseUrl: database.url, db, log });
    const subscriber = await collect(hub);
    await hub.close();
    expect(subscriber.ended).toBe(true);
    await waitFor('the listening backend to go', async () => (await listeners()).length === 0, 2_000);
    await expect(hub.subscribe(undefined, () => undefined)).rejects.toThrow(/closed/);
  });

  it('reads nothing for notifications nobody is subscribed to, yet a new subscriber starts after them', async () => {
    const { hub } = await startHub();
    const before = await collect(hub);
    before.unsubscribe();
    // With nobody subscribed, these are not read when notified (and no poll comes within the test)...
    const unread = [await publish(), await publish()];
    const subscriber = await collect(hub);
    const id = await publish();
    await waitFor('the event', () => subscriber.events.length >= 1, 2_000, 10);
    // ...but the subscriber that joins after them is not handed them as if they were new.
    expect(idsOf(subscriber)).toEqual([id]);
    expect(idsOf(subscriber)).not.toContain(unread[0]);
  });

  it('a subscriber that throws does not keep the event from the others', async () => {
    const { hub } = await startHub();
    await hub.subscribe(undefined, () => {
      throw new Error('broken subscriber');
    });
    const healthy = await collect(hub);
    const id = await publish();
    await waitFor('the event', () => healthy.events.length === 1, 2_000, 10);
    expect(idsOf(healthy)).toEqual([id]);
  });
});

describe('on the embedded PGlite server', () => {
  it('delivers by polling, since PGlite does not pass NOTIFY to another connection', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'live-events-pglite-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    const quietLog = createLogger('silent');
    const pgliteDb = createDatabase(embedded.url, { poolMax: 1 });
    try {
      await applyMigrations(embedded.url, quietLog);
      const { log, lines } = capturingLogger();
      const hub = await createLiveEventHub({ databaseUrl: embedded.url, db: pgliteDb, log });
      try {
        expect(lines.some((line) => line.msg.includes('polling instead') && line.pollIntervalMs === 250)).toBe(true);
        const subscriber = await collect(hub);
        await pgliteDb.$transaction((tx) => publishLiveEvent(tx, { type: 'message.received', data: { n: 1 } }));
        await waitFor('the event', () => subscriber.events.length === 1, 1_000, 10);
        expect(subscriber.events[0]).toMatchObject({ type: 'message.received', data: { n: 1 } });
      } finally {
        await hub.close();
      }
    } finally {
      await pgliteDb.$disconnect();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('hears the embedded server\'s NOTIFYs in-process when it runs in this process, well before a poll', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'live-events-pglite-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), listenChannels: [LIVE_EVENTS_CHANNEL] });
    const pgliteDb = createDatabase(embedded.url, { poolMax: 1 });
    try {
      await applyMigrations(embedded.url, createLogger('silent'));
      const { log, lines } = capturingLogger();
      // A poll this slow cannot be what delivers within the wait below.
      const hub = await createLiveEventHub({ databaseUrl: embedded.url, db: pgliteDb, log, notifications: embedded.notifications, pollIntervalMs: 60_000 });
      try {
        expect(lines.some((line) => line.msg.includes('polling instead'))).toBe(false);
        const subscriber = await collect(hub);
        await pgliteDb.$transaction((tx) => publishLiveEvent(tx, { type: 'message.received', data: { n: 1 } }));
        await waitFor('the event', () => subscriber.events.length === 1, 1_000, 10);
        expect(subscriber.events[0]).toMatchObject({ type: 'message.received', data: { n: 1 } });
      } finally {
        await hub.close();
      }
    } finally {
      await pgliteDb.$disconnect();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
