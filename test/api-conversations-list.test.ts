// The agent's inbox through the REST API, against the real stack: order, filters, keyset
// pagination, each row's last message, and per-agent unread counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { clientFor, openConversation, textIn, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';

let stack: TestStack;
let alice: TestAgent;
let bob: TestAgent;
let asAlice: AgentClient;
let asBob: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob] = await Promise.all([createTestAgent(stack.db, 'agent', 'Alice'), createTestAgent(stack.db, 'agent', 'Bob')]);
  asAlice = clientFor(stack, alice.token);
  asBob = clientFor(stack, bob.token);
});

afterAll(async () => {
  await stack?.stop();
});

interface Row {
  id: string;
  customerNumber: string;
  lastActivityAt: string;
  unreadCount: number;
  assignedAgent: { id: string; name: string } | null;
  lastMessage: { body: string; direction: string } | null;
}

/** Every page of a listing, walked with its cursors. */
async function allPages(client: AgentClient, query: string, limit: number) {
  const rows: Row[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    const answer = await client.get(`/api/conversations?${params}`);
    expect(answer.status).toBe(200);
    rows.push(...answer.body.conversations);
    pageSizes.push(answer.body.conversations.length);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return { rows, pageSizes };
}

function unreadIn(rows: Row[], id: string): number | undefined {
  return rows.find((row) => row.id === id)?.unreadCount;
}

async function listedFor(client: AgentClient, customer: string): Promise<Row> {
  const answer = await client.get(`/api/conversations?customerNumber=${encodeURIComponent(customer)}`);
  expect(answer.status).toBe(200);
  expect(answer.body.conversations).toHaveLength(1);
  return answer.body.conversations[0];
}

describe('GET /api/conversations', () => {
  it('pages through every conversation newest activity first, without duplicates or gaps', async () => {
    const opened: string[] = [];
    for (let index = 0; index < 5; index++) opened.push((await openConversation(stack, `Question number ${index}`)).id);
    const total = await stack.db.conversation.count();

    const { rows, pageSizes } = await allPages(asAlice, '', 2);
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((row) => row.id)).size).toBe(total);
    expect(pageSizes.slice(0, -1).every((size) => size === 2)).toBe(true);
    const keys = rows.map((row) => [Date.parse(row.lastActivityAt), row.id] as const);
    for (let index = 1; index < keys.length; index++) {
      const [previousAt, previousId] = keys[index - 1]!;
      const [at, id] = keys[index]!;
      expect(previousAt > at || (previousAt === at && previousId > id), `row ${index} is out of order`).toBe(true);
    }
    // The five just opened are the newest, latest first.
    expect(rows.slice(0, 5).map((row) => row.id)).toEqual([...opened].reverse());
  });

  it('breaks ties in activity time by id, also across a page boundary', async () => {
    const tied = await Promise.all([openConversation(stack), openConversation(stack), openConversation(stack)]);
    // Three conversations active in the same millisecond, older than everything else: they are
    // the last three rows, and any page size of 2 splits them.
    const sameInstant = new Date('2001-02-03T04:05:06.789Z');
    await stack.db.conversation.updateMany({ where: { id: { in: tied.map((entry) => entry.id) } }, data: { lastActivityAt: sameInstant } });

    const { rows } = await allPages(asAlice, '', 2);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(rows.slice(-3).map((row) => row.id)).toEqual(tied.map((entry) => entry.id).sort().reverse());
    expect(rows.slice(-3).every((row) => row.lastActivityAt === sameInstant.toISOString())).toBe(true);
  });

  it('answers an empty last page with a null cursor, and a full page of the default size', async () => {
    const answer = await asAlice.get('/api/conversations');
    expect(answer.status).toBe(200);
    expect(answer.body.conversations.length).toBeLessThanOrEqual(25);
    const missing = await asAlice.get(`/api/conversations?customerNumber=${encodeURIComponent('+15550000000')}`);
    expect(missing.body).toEqual({ conversations: [], nextCursor: null });
  });

  it('shows each conversation with its last message and who holds it', async () => {
    const { id, customer } = await openConversation(stack, 'First text');
    await textIn(stack, customer, 'Second text');
    await asAlice.post(`/api/conversations/${id}/assign`);
    const row = await listedFor(asAlice, customer);
    expect(row).toMatchObject({
      id,
      customerNumber: customer,
      status: 'open',
      assignedAgent: { id: alice.id, name: 'Alice' },
      needsAttention: true,
      lastMessage: { direction: 'inbound', author: 'customer', body: 'Second text', status: 'received' },
      unreadCount: 2,
    });

    const reply = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Answering both' });
    expect(reply.status).toBe(201);
    const afterReply = await listedFor(asAlice, customer);
    expect(afterReply.lastMessage).toMatchObject({ id: reply.body.id, direction: 'outbound', author: 'agent', body: 'Answering both' });
    expect(Date.parse(afterReply.lastActivityAt)).toBeGreaterThan(Date.parse(row.lastActivityAt));
  });

  it('filters by status, assignee, needs-attention and customer number', async () => {
    const mine = await openConversation(stack);
    const bobs = await openConversation(stack);
    const closed = await openConversation(stack);
    const unflagged = await openConversation(stack);
    await asAlice.post(`/api/conversations/${mine.id}/assign`);
    await asBob.post(`/api/conversations/${bobs.id}/assign`);
    await asAlice.post(`/api/conversations/${closed.id}/close`);
    await asAlice.post(`/api/conversations/${unflagged.id}/unflag`);

    const ids = async (query: string) => (await allPages(asAlice, query, 100)).rows.map((row) => row.id);

    expect(await ids('assignedTo=me')).toContain(mine.id);
    expect(await ids('assignedTo=me')).not.toContain(bobs.id);
    expect(await ids(`assignedTo=${bob.id}`)).toEqual(expect.arrayContaining([bobs.id]));
    expect(await ids(`assignedTo=${bob.id}`)).not.toContain(mine.id);
    const unassigned = await ids('assignedTo=none');
    expect(unassigned).toEqual(expect.arrayContaining([closed.id, unflagged.id]));
    expect(unassigned).not.toContain(mine.id);

    const closedOnes = await ids('status=closed');
    expect(closedOnes).toContain(closed.id);
    expect(closedOnes).not.toContain(mine.id);
    expect(await ids('status=open')).not.toContain(closed.id);

    const flagged = await ids('needsAttention=true');
    expect(flagged).toEqual(expect.arrayContaining([mine.id, bobs.id]));
    expect(flagged).not.toContain(unflagged.id);
    expect(await ids('needsAttention=false')).toContain(unflagged.id);

    expect(await ids(`customerNumber=${encodeURIComponent(bobs.customer)}`)).toEqual([bobs.id]);
    // A "+" the client forgot to encode arrives as a space; it still means the same number.
    const unencoded = await asAlice.get(`/api/conversations?customerNumber=${bobs.customer}`);
    expect(unencoded.body.conversations.map((row: Row) => row.id)).toEqual([bobs.id]);

    expect(await ids(`status=open&assignedTo=me&customerNumber=${encodeURIComponent(mine.customer)}`)).toEqual([mine.id]);
    expect(await ids(`status=closed&customerNumber=${encodeURIComponent(mine.customer)}`)).toEqual([]);
  });

  it('pages a filtered list too', async () => {
    for (let index = 0; index < 3; index++) {
      const { id } = await openConversation(stack);
      await asBob.post(`/api/conversations/${id}/assign`);
    }
    const expected = await stack.db.conversation.count({ where: { assignedAgentId: bob.id } });
    const { rows, pageSizes } = await allPages(asBob, 'assignedTo=me', 2);
    expect(rows).toHaveLength(expected);
    expect(pageSizes.length).toBe(Math.ceil(expected / 2));
    expect(rows.every((row) => row.assignedAgent?.id === bob.id)).toBe(true);
  });

  it('refuses bad filters and bad paging with 400, naming the field', async () => {
    for (const [query, field] of [
      ['status=pending', 'query.status'],
      ['assignedTo=alice', 'query.assignedTo'],
      ['needsAttention=yes', 'query.needsAttention'],
      ['customerNumber=07700900123', 'query.customerNumber'],
      ['limit=0', 'query.limit'],
      ['limit=101', 'query.limit'],
      ['limit=ten', 'query.limit'],
    ]) {
      const answer = await asAlice.get(`/api/conversations?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('validation_failed');
      expect(answer.body.error.details.fields.map((entry: { field: string }) => entry.field), query).toContain(field);
    }
  });

  it('refuses a cursor it did not hand out for this list with 400 invalid_cursor', async () => {
    const { id } = await openConversation(stack);
    await textIn(stack, (await stack.db.conversation.findUniqueOrThrow({ where: { id } })).customerNumber, 'another');
    const messages = await asAlice.get(`/api/conversations/${id}/messages?limit=1`);
    const messagesCursor = messages.body.nextCursor as string;
    expect(messagesCursor).toEqual(expect.any(String));

    for (const cursor of ['garbage', Buffer.from('["conversations","not a date","x"]').toString('base64url'), messagesCursor]) {
      const answer = await asAlice.get(`/api/conversations?cursor=${encodeURIComponent(cursor)}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_cursor');
    }
  });

  it('needs a token', async () => {
    const answer = await requestJson(stack.baseUrl, 'GET', '/api/conversations');
    expect(answer.status).toBe(401);
  });
});

describe('unread counts', () => {
  it('count inbound texts per agent, drop when the agent marks the conversation read, and rise with the next text', async () => {
    const { id, customer } = await openConversation(stack, 'Hello?');
    await textIn(stack, customer, 'Anyone there?');
    expect((await listedFor(asAlice, customer)).unreadCount).toBe(2);
    expect((await listedFor(asBob, customer)).unreadCount).toBe(2);

    const read = await asAlice.post(`/api/conversations/${id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ unreadCount: 0 });
    expect((await listedFor(asAlice, customer)).unreadCount).toBe(0);
    expect((await listedFor(asBob, customer)).unreadCount).toBe(2);
    expect((await asAlice.get(`/api/conversations/${id}`)).body.unreadCount).toBe(0);

    // Outbound messages are never unread.
    await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Yes, Alice here' });
    expect((await listedFor(asAlice, customer)).unreadCount).toBe(0);

    await textIn(stack, customer, 'Great, thanks');
    expect((await listedFor(asAlice, customer)).unreadCount).toBe(1);
    expect((await listedFor(asBob, customer)).unreadCount).toBe(3);
    const { rows } = await allPages(asAlice, '', 100);
    expect(unreadIn(rows, id)).toBe(1);
  });

  it('mark read up to a moment, never moving the mark backwards nor past now', async () => {
    const { id, customer } = await openConversation(stack, 'One');
    const afterFirst = new Date().toISOString();
    await textIn(stack, customer, 'Two');

    const upToFirst = await asAlice.post(`/api/conversations/${id}/read`, { upTo: afterFirst });
    expect(upToFirst.body).toEqual({ unreadCount: 1 });
    expect((await asAlice.post(`/api/conversations/${id}/read`, {})).body).toEqual({ unreadCount: 0 });
    // An older mark (a stale tab) does not bring messages back.
    expect((await asAlice.post(`/api/conversations/${id}/read`, { upTo: afterFirst })).body).toEqual({ unreadCount: 0 });

    // A mark in the future is held to now, so texts that arrive later are still unread.
    const nextYear = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
    expect((await asAlice.post(`/api/conversations/${id}/read`, { upTo: nextYear })).body).toEqual({ unreadCount: 0 });
    await textIn(stack, customer, 'Three');
    expect((await listedFor(asAlice, customer)).unreadCount).toBe(1);
  });

  it('refuses a bad upTo, a bad id and an unknown conversation', async () => {
    const { id } = await openConversation(stack);
    const badTime = await asAlice.post(`/api/conversations/${id}/read`, { upTo: 'yesterday' });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.details.fields[0].field).toBe('body.upTo');
    expect((await asAlice.post('/api/conversations/nope/read')).status).toBe(400);
    const unknown = await asAlice.post(`/api/conversations/${UNKNOWN_ID}/read`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
  });
});
