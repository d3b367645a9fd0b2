// GET /api/events end to end: texts arrive through the Twilio emulator's signed webhooks, the
// worker writes live events to PostgreSQL and NOTIFYs, and SSE clients on real HTTP get them,
// on this API and on a second API replica with its own listener; resuming with Last-Event-ID
// replays what was missed.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createLogger } from '../src/infra/logger.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { liveEventOf, openSse, type SseClient, type SseEvent } from './support/sse-client.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;
let agent: TestAgent;
const openClients: SseClient[] = [];
const replicas: RunningApi[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  agent = await createTestAgent(stack.db, 'agent');
  // The first conversation on a fresh worker also pays for loading the workflow code; the
  // one-second budget is about every text after that, so one goes through before timing any.
  const customer = newCustomerNumber();
  await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'warming up' });
  await waitFor('the warm-up text to be stored', () => stack.db.message.count({ where: { fromNumber: customer } }).then((count) => count > 0));
});

afterAll(async () => {
  for (const client of openClients) client.close();
  for (const replica of replicas) await replica.close();
  await stack?.stop();
});

/** Another API process on the same database and Temporal: what a second replica would be. */
async function startReplica(options: { liveStreamRecheckMs?: number } = {}): Promise<RunningApi> {
  const port = await freePort();
  const replica = await startApiServer({
    db: stack.db,
    databaseUrl: stack.databaseUrl,
    temporalClient: stack.client,
    taskQueue: stack.taskQueue,
    twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER },
    twilioEmulated: true,
    publicBaseUrl: `http://127.0.0.1:${port}`,
    webhookBodyLimit: '64kb',
    host: '127.0.0.1',
    port,
    log: createLogger('silent'),
    ...options,
  });
  replicas.push(replica);
  return replica;
}

async function stream(baseUrl: string, query = '', options: { lastEventId?: string; token?: string | null } = {}): Promise<SseClient> {
  const client = await openSse(`${baseUrl}/api/events${query}`, {
    token: options.token === null ? undefined : (options.token ?? agent.token),
    lastEventId: options.lastEventId,
  });
  openClients.push(client);
  expect(client.status, client.errorBody).toBe(200);
  return client;
}

function isLive(type: string, match: (event: ReturnType<typeof liveEventOf>) => boolean = () => true) {
  return (event: SseEvent) => event.event === type && match(liveEventOf(event));
}

function conversationOf(customerNumber: string) {
  return stack.db.conversation.findUnique({
    where: { businessNumber_customerNumber: { businessNumber: BUSINESS_NUMBER, customerNumber } },
  });
}

/** Sends a text and returns its message.received event as seen by `client`. */
async function textAndAwait(client: SseClient, customer: string, body: string): Promise<ReturnType<typeof liveEventOf>> {
  const before = await stack.db.message.count({ where: { fromNumber: customer, direction: 'inbound' } });
  await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body });
  const message = await waitFor('the text to be stored', async () => {
    const found = await stack.db.message.findMany({ where: { fromNumber: customer, direction: 'inbound' }, orderBy: { createdAt: 'asc' } });
    return found.length > before ? found[found.length - 1] : undefined;
  });
  const event = await client.waitForEvent(isLive('message.received', (live) => live.messageId === message.id), 5_000, `message.received from ${customer}`);
  return liveEventOf(event);
}

/** The ids of every stored live event after `afterId`, in id order. */
async function storedIdsAfter(afterId: string, upTo?: string): Promise<string[]> {
  const rows = await stack.db.liveEvent.findMany({
    where: { id: { gt: BigInt(afterId), ...(upTo ? { lte: BigInt(upTo) } : {}) } },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  return rows.map((row) => row.id.toString());
}

function idsOf(client: SseClient): string[] {
  return client.events.filter((event) => event.event !== 'reset').map((event) => event.id!);
}

function expectStrictlyIncreasing(ids: string[]): void {
  for (let index = 1; index < ids.length; index += 1) {
    expect(BigInt(ids[index]!) > BigInt(ids[index - 1]!), `ids in order: ${ids.join(',')}`).toBe(true);
  }
}

describe('access', () => {
  it('answers 401 without a token or with a wrong one, and takes the token as ?access_token=', async () => {
    const anonymous = await requestJson(stack.baseUrl, 'GET', '/api/events');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');

    const wrong = await requestJson(stack.baseUrl, 'GET', '/api/events?access_token=not-a-token');
    expect(wrong.status).toBe(401);

    const viaQuery = await stream(stack.baseUrl, `?access_token=${encodeURIComponent(agent.token)}`, { token: null });
    expect(viaQuery.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(viaQuery.headers.get('cache-control')).toBe('no-cache');
    expect(viaQuery.headers.get('x-accel-buffering')).toBe('no');
    await waitFor('the opening comment', () => viaQuery.parser.comments.includes('connected'), 2_000);
    expect(viaQuery.parser.retry).toBeGreaterThan(0);
    viaQuery.close();
  });

  it('rejects a malformed Last-Event-ID, lastEventId or conversationId with 400', async () => {
    const header = await requestJson(stack.baseUrl, 'GET', '/api/events', { token: agent.token, headers: { 'Last-Event-ID': 'abc' } });
    expect(header.status).toBe(400);
    expect(header.body.error.code).toBe('validation_failed');
    expect(header.body.error.details.fields[0].field).toBe('headers.last-event-id');

    const query = await requestJson(stack.baseUrl, 'GET', '/api/events?lastEventId=-1&conversationId=nope', { token: agent.token });
    expect(query.status).toBe(400);
    expect(query.body.error.details.fields.map((field: { field: string }) => field.field).sort()).toEqual([
      'query.conversationId',
      'query.lastEventId',
    ]);
  });

  it('is described in the OpenAPI document as a text/event-stream', async () => {
    const { body } = await requestJson(stack.baseUrl, 'GET', '/api/openapi.json');
    const operation = body.paths['/api/events'].get;
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/event-stream']);
    const named = (where: string) => operation.parameters.filter((parameter: { in: string }) => parameter.in === where).map((parameter: { name: string }) => parameter.name).sort();
    expect(named('query')).toEqual(['access_token', 'conversationId', 'lastEventId']);
    expect(named('header')).toEqual(['last-event-id']);
    expect(operation.responses['401']).toBeDefined();
    expect(body.components.schemas.LiveEvent.properties.type.enum).toContain('message.received');
  });
});

describe('live delivery', () => {
  it('pushes message.received within a second of the webhook, then the reply as message.sent and its delivery', async () => {
    const client = await stream(stack.baseUrl);
    const customer = newCustomerNumber();

    const startedAt = performance.now();
    const answer = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    expect(answer.status).toBe(200);
    const received = await client.waitForEvent(
      isLive('message.received', (event) => event.data.customerNumber === customer),
      5_000,
      'message.received',
    );
    expect(received.receivedAt - startedAt).toBeLessThan(1_000);

    const live = liveEventOf(received);
    const conversation = await conversationOf(customer);
    const inbound = await stack.db.message.findFirstOrThrow({ where: { fromNumber: customer, direction: 'inbound' } });
    expect(live).toEqual({
      id: received.id,
      type: 'message.received',
      conversationId: conversation!.id,
      messageId: inbound.id,
      data: { customerNumber: customer, businessNumber: BUSINESS_NUMBER },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const stored = await stack.db.liveEvent.findUniqueOrThrow({ where: { id: BigInt(received.id!) } });
    expect(stored.type).toBe('message.received');
    expect(new Date(live.createdAt).getTime()).toBe(stored.createdAt.getTime());

    const sent = liveEventOf(await client.waitForEvent(isLive('message.sent', (event) => event.conversationId === conversation!.id), 10_000, 'message.sent'));
    const outbound = await stack.db.message.findFirstOrThrow({ where: { toNumber: customer, direction: 'outbound' } });
    expect(sent.messageId).toBe(outbound.id);
    expect(sent.data.author).toBe('auto_response');

    const delivered = await client.waitForEvent(
      isLive('message.status', (event) => event.messageId === outbound.id && event.data.status === 'delivered'),
      10_000,
      'message.status delivered',
    );
    expect(BigInt(delivered.id!) > BigInt(sent.id)).toBe(true);

    // Everything that happened to this conversation, in id order, each once.
    const ids = idsOf(client);
    expect(new Set(ids).size).toBe(ids.length);
    expectStrictlyIncreasing(ids);
    const opened = client.events.find(isLive('conversation.opened', (event) => event.conversationId === conversation!.id));
    expect(opened && BigInt(opened.id!) < BigInt(received.id!)).toBe(true);
    client.close();
  });

  it('reaches an agent connected to another API replica (its own LISTEN connection) as fast', async () => {
    const replica = await startReplica();
    const here = await stream(stack.baseUrl);
    const there = await stream(replica.listenUrl);
    const customer = newCustomerNumber();

    const startedAt = performance.now();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'hello from the other side' });
    const predicate = isLive('message.received', (event) => event.data.customerNumber === customer);
    const [onThis, onReplica] = await Promise.all([
      here.waitForEvent(predicate, 5_000, 'message.received here'),
      there.waitForEvent(predicate, 5_000, 'message.received on the replica'),
    ]);
    expect(onReplica.receivedAt - startedAt).toBeLessThan(1_000);
    expect(onThis.receivedAt - startedAt).toBeLessThan(1_000);
    expect(onReplica.id).toBe(onThis.id);
    expect(onReplica.data).toBe(onThis.data);
    here.close();
    there.close();
  });

  it('streams only the given conversation with ?conversationId=', async () => {
    const everything = await stream(stack.baseUrl);
    const followed = newCustomerNumber();
    const other = newCustomerNumber();
    await textAndAwait(everything, followed, 'first text');
    const conversation = await conversationOf(followed);

    const filtered = await stream(stack.baseUrl, `?conversationId=${conversation!.id}`);
    const otherReceived = await textAndAwait(everything, other, 'not followed');
    const followedReceived = await textAndAwait(filtered, followed, 'second text');

    // Events come in id order, so the other conversation's (earlier) event would be here by now.
    expect(BigInt(otherReceived.id) < BigInt(followedReceived.id)).toBe(true);
    expect(filtered.events.length).toBeGreaterThan(0);
    for (const event of filtered.events) expect(liveEventOf(event).conversationId).toBe(conversation!.id);
    everything.close();
    filtered.close();
  });
});

describe('resuming with Last-Event-ID', () => {
  it('replays every event missed while disconnected exactly once, in order, then goes on live', async () => {
    const first = await stream(stack.baseUrl);
    const lastSeen = await textAndAwait(first, newCustomerNumber(), 'before the disconnect');
    first.close();

    // While no one is connected: a text with an auto-reply and its delivery receipts.
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    await waitFor('the auto-reply to be delivered', async () => {
      const reply = await stack.db.message.findFirst({ where: { toNumber: customer, direction: 'outbound' } });
      return reply?.status === 'delivered';
    });
    const missed = await storedIdsAfter(lastSeen.id);
    expect(missed.length).toBeGreaterThanOrEqual(4);

    const resumed = await stream(stack.baseUrl, '', { lastEventId: lastSeen.id });
    await resumed.waitForEvent((event) => event.id === missed.at(-1), 5_000, `event ${missed.at(-1)}`);
    expect(idsOf(resumed).slice(0, missed.length)).toEqual(missed);
    expect(resumed.events.some((event) => event.event === 'reset')).toBe(false);

    // Replay then live: no gap, no duplicate at the seam.
    const live = await textAndAwait(resumed, newCustomerNumber(), 'after the reconnect');
    const ids = idsOf(resumed);
    expect(ids.slice(0, ids.indexOf(live.id) + 1)).toEqual(await storedIdsAfter(lastSeen.id, live.id));
    expect(new Set(ids).size).toBe(ids.length);
    expectStrictlyIncreasing(ids);

    // ?lastEventId= does the same for clients that cannot set the header.
    const viaQuery = await stream(stack.baseUrl, `?lastEventId=${lastSeen.id}`);
    await viaQuery.waitForEvent((event) => event.id === live.id, 5_000, `event ${live.id}`);
    expect(idsOf(viaQuery).slice(0, ids.indexOf(live.id) + 1)).toEqual(ids.slice(0, ids.indexOf(live.id) + 1));
    resumed.close();
    viaQuery.close();
  });

  it('resumes on another replica than the one it was connected to', async () => {
    const replica = await startReplica();
    const first = await stream(stack.baseUrl);
    const lastSeen = await textAndAwait(first, newCustomerNumber(), 'on replica one');
    first.close();
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'while away' });
    const message = await waitFor('the text to be stored', () =>
      stack.db.message.findFirst({ where: { fromNumber: customer, direction: 'inbound' } }).then((found) => found ?? undefined),
    );
    const resumed = await stream(replica.listenUrl, '', { lastEventId: lastSeen.id });
    const received = await resumed.waitForEvent(isLive('message.received', (event) => event.messageId === message.id), 5_000, 'the missed text');
    const ids = idsOf(resumed);
    expect(ids.slice(0, ids.indexOf(received.id!) + 1)).toEqual(await storedIdsAfter(lastSeen.id, received.id));
    resumed.close();
  });

  it('sends `reset` for an id that was never handed out, then carries on live', async () => {
    const client = await stream(stack.baseUrl, '', { lastEventId: '900000000000' });
    const reset = await client.waitForEvent((event) => event.event === 'reset', 2_000, 'reset');
    expect(JSON.parse(reset.data)).toEqual({ reason: 'unknown_event_id', resumeAfterId: reset.id });
    const newest = await stack.db.liveEvent.findFirst({ orderBy: { id: 'desc' } });
    expect(BigInt(reset.id!) <= (newest?.id ?? 0n)).toBe(true);

    await textAndAwait(client, newCustomerNumber(), 'after a reset');
    expect(client.events[0]?.event).toBe('reset');
    client.close();
  });
});

describe('shutdown', () => {
  it('ends an open stream once its agent is deactivated, and a reconnect is refused', async () => {
    const replica = await startReplica({ liveStreamRecheckMs: 200 });
    const admin = await createTestAgent(stack.db, 'admin', 'Supervisor');
    const leaving = await createTestAgent(stack.db, 'agent', 'Leaving agent');
    const kept = await stream(replica.listenUrl, '', { token: agent.token });
    const client = await stream(replica.listenUrl, '', { token: leaving.token });
    await waitFor('the opening comment', () => client.parser.comments.includes('connected'), 2_000);
    const deactivated = await requestJson(replica.listenUrl, 'POST', `/api/agents/${leaving.id}/deactivate`, { token: admin.token });
    expect(deactivated.status).toBe(200);
    await client.waitForEnd(5_000);
    // The other agent's stream went through the same checks and stays open.
    expect(kept.ended).toBe(false);
    const again = await openSse(`${replica.listenUrl}/api/events`, { token: leaving.token });
    openClients.push(again);
    expect(again.status).toBe(401);
  });

  it('ends open streams when the API server closes', async () => {
    const replica = await startReplica();
    const client = await stream(replica.listenUrl);
    await waitFor('the opening comment', () => client.parser.comments.includes('connected'), 2_000);
    const closing = replica.close();
    await client.waitForEnd(5_000);
    await closing;
    replicas.splice(replicas.indexOf(replica), 1);
  });
});
