// GET /api/events resuming with Last-Event-ID when ids gain a digit (9→10, 99→100, 999→1000):
// every missed event replayed once and in id order, and `event: reset` only when the history
// really lost some of them (older than the retention, or more than the last 1000). A fresh
// database, so ids start at 1; events are written as the worker writes them (a row and a NOTIFY
// in one transaction), bulk ones in one statement; real HTTP to a real API. Temporal is not
// needed here: the API's client points at a port where nothing listens.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishLiveEvent } from '../src/store/live-event-publisher.ts';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createDatabase, type Database } from '../src/infra/database.ts';
import { createLogger } from '../src/infra/logger.ts';
import { LIVE_EVENTS_CHANNEL } from '../src/shared/live-events.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { freePort } from './support/free-port.ts';
import { openSse, type SseClient } from './support/sse-client.ts';
import { BUSINESS_NUMBER } from './support/stack.ts';

let database: TestDatabase;
let db: Database;
let temporal: Connection;
let api: RunningApi;
let agent: TestAgent;
/** Connected before the first event: it sees every event live. */
let live: SseClient;
const clients: SseClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 4 });
  agent = await createTestAgent(db, 'agent');
  temporal = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  const port = await freePort();
  api = await startApiServer({
    db,
    databaseUrl: database.url,
    temporalClient: new Client({ connection: temporal }),
    taskQueue: 'unused',
    twilio: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'unused', phoneNumber: BUSINESS_NUMBER },
    twilioEmulated: true,
    publicBaseUrl: `http://127.0.0.1:${port}`,
    webhookBodyLimit: '64kb',
    host: '127.0.0.1',
    port,
    log: createLogger('silent'),
  });
  live = await stream();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await api?.close();
  await temporal?.close();
  await db?.$disconnect();
  await database?.drop();
});

async function stream(lastEventId?: string): Promise<SseClient> {
  const client = await openSse(`${api.listenUrl}/api/events`, { token: agent.token, lastEventId });
  clients.push(client);
  expect(client.status, client.errorBody).toBe(200);
  return client;
}

/** One event, one transaction, as an activity writes it. */
async function publishOne(n: number): Promise<void> {
  await db.$transaction((tx) => publishLiveEvent(tx, { type: 'message.received', data: { n } }));
}

/** `count` events in one statement (ids consecutive), announced on commit as the worker does. */
async function publishMany(count: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const [last] = await tx.$queryRaw<Array<{ id: string }>>`
      WITH inserted AS (
        INSERT INTO live_events (type, data)
        SELECT 'message.status', jsonb_build_object('n', n) FROM generate_series(1, ${count}::int) AS n
        RETURNING id
      )
      SELECT max(id)::text AS id FROM inserted`;
    await tx.$executeRaw`SELECT pg_notify(${LIVE_EVENTS_CHANNEL}, ${last!.id})`;
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String(from + index));
const eventIds = (client: SseClient) => client.events.filter((event) => event.event !== 'reset').map((event) => event.id);
const resets = (client: SseClient) => client.events.filter((event) => event.event === 'reset').map((event) => JSON.parse(event.data));

async function newestId(): Promise<string> {
  const newest = await db.liveEvent.findFirstOrThrow({ orderBy: { id: 'desc' }, select: { id: true } });
  return newest.id.toString();
}

/** Resumes after `lastEventId` and returns the client once it has the newest stored event. */
async function resume(lastEventId: string): Promise<SseClient> {
  const newest = await newestId();
  const client = await stream(lastEventId);
  await client.waitForEvent((event) => event.id === newest, 10_000, `event ${newest}`);
  return client;
}

describe('live delivery across 9→10', () => {
  it('delivers ids 1…609 in order when 600 arrive in one commit after id 9', async () => {
    for (let n = 1; n <= 9; n += 1) await publishOne(n);
    await live.waitForEvent((event) => event.id === '9', 5_000, 'event 9');
    // More than the hub reads at once (500), all committed together: one read after id 9
    // must take 10, 11, … and not "10", "100", "101", … as text would.
    await publishMany(600);
    expect(await newestId()).toBe('609');
    await live.waitForEvent((event) => event.id === '609', 10_000, 'event 609');
    expect(eventIds(live)).toEqual(range(1, 609));
  });
});

describe('resuming with Last-Event-ID', () => {
  it('after 9 replays 10, 11, … 609 in order, with no reset', async () => {
    const client = await resume('9');
    expect(eventIds(client)).toEqual(range(10, 609));
    expect(resets(client)).toEqual([]);
  });

  it('after 5 replays 6…9 before 10…609', async () => {
    const client = await resume('5');
    expect(eventIds(client)).toEqual(range(6, 609));
    expect(resets(client)).toEqual([]);
  });

  it('after 99 replays 100, 101, …', async () => {
    const client = await resume('99');
    expect(eventIds(client)).toEqual(range(100, 609));
    expect(resets(client)).toEqual([]);
  });

  it('after 999 replays 1000, 1001, …; after 9 replays exactly the last 1000 with no reset', async () => {
    await publishMany(400);
    await live.waitForEvent((event) => event.id === '1009', 10_000, 'event 1009');
    expect(eventIds(live)).toEqual(range(1, 1009));

    const after999 = await resume('999');
    expect(eventIds(after999)).toEqual(range(1000, 1009));

    // 10…1009 is 1000 events: all kept, so nothing to reset.
    const after9 = await resume('9');
    expect(resets(after9)).toEqual([]);
    expect(eventIds(after9)).toEqual(range(10, 1009));
  });

  it('sends a reset when more than the last 1000 were missed, then exactly those 1000', async () => {
    const client = await resume('8');
    expect(client.events[0]?.event).toBe('reset');
    expect(resets(client)).toEqual([{ reason: 'history_truncated', resumeAfterId: '9' }]);
    expect(client.events[0]?.id).toBe('9');
    expect(eventIds(client)).toEqual(range(10, 1009));
  });
});

describe('resets only when the history was trimmed', () => {
  it('resets a client whose next events are older than 24 h, and no one whose next event is kept', async () => {
    // Not pruned yet, but past the retention: not replayed.
    await db.$executeRaw`UPDATE live_events SET created_at = (now() AT TIME ZONE 'UTC') - interval '25 hours' WHERE id <= 500`;

    const keptFrom = await resume('500');
    expect(resets(keptFrom)).toEqual([]);
    expect(eventIds(keptFrom)).toEqual(range(501, 1009));

    const oneTooOld = await resume('499');
    expect(resets(oneTooOld)).toEqual([{ reason: 'history_truncated', resumeAfterId: '500' }]);
    expect(eventIds(oneTooOld)).toEqual(range(501, 1009));
  });

  it('resets a client whose next events were pruned, and no one whose next event is kept', async () => {
    // What the hub's pruning does to events older than the retention.
    await db.$executeRaw`DELETE FROM live_events WHERE id <= 500`;

    const pruned = await resume('300');
    expect(resets(pruned)).toEqual([{ reason: 'history_truncated', resumeAfterId: '500' }]);
    expect(eventIds(pruned)).toEqual(range(501, 1009));

    const keptFrom = await resume('500');
    expect(resets(keptFrom)).toEqual([]);
    expect(eventIds(keptFrom)).toEqual(range(501, 1009));
  });

  it('does not reset over ids that were never committed', async () => {
    // A rolled-back transaction leaves a hole in the ids; nothing was lost.
    await db.$transaction(async (tx) => {
      await publishLiveEvent(tx, { type: 'message.received', data: { n: 'rolled back' } });
      throw new Error('roll back');
    }).catch(() => undefined);
    await publishOne(1011);
    await live.waitForEvent((event) => event.id === '1011', 5_000, 'event 1011');

    const client = await resume('1009');
    expect(resets(client)).toEqual([]);
    expect(eventIds(client)).toEqual(['1011']);
  });
});
