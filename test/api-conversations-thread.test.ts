// Internal notes and the one-call thread, against the real stack: a note is stored, announced on
// the live stream and never sent; the thread merges messages, notes and audit events into one
// timeline, pages backwards from the newest with each page in time order, and orders ties by
// (time, kind, id).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, openConversation, sentTo, settled, textIn, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { liveEventOf, openSse } from './support/sse-client.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let alice: TestAgent;
let bob: TestAgent;
let asAlice: AgentClient;
let asBob: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob] = await Promise.all([createTestAgent(stack.db, 'agent', 'Alice Agent'), createTestAgent(stack.db, 'agent', 'Bob Agent')]);
  asAlice = clientFor(stack, alice.token);
  asBob = clientFor(stack, bob.token);
});

afterAll(async () => {
  await stack?.stop();
});

interface ThreadItem {
  kind: 'message' | 'note' | 'event';
  at: string;
  message?: { id: string; body: string; agentName: string | null; ruleName: string | null; author: string };
  note?: { id: string; agentId: string; agentName: string; body: string; createdAt: string };
  event?: { id: string; type: string; agentName: string | null };
}

const idOf = (item: ThreadItem) => (item.message ?? item.note ?? item.event)!.id;
const KIND_ORDER = { event: 0, message: 1, note: 2 };
/** The thread's order: time, then kind, then id (as PostgreSQL orders these uuids). */
function inThreadOrder(a: ThreadItem, b: ThreadItem): number {
  return Date.parse(a.at) - Date.parse(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0);
}

describe('POST /api/conversations/:id/notes', () => {
  it('stores the note, answers it with the author’s name, announces it live and sends nothing to the customer', async () => {
    const { id, customer } = await openConversation(stack);
    const sentBefore = sentTo(stack, customer).length;
    const sse = await openSse(`${stack.baseUrl}/api/events?conversationId=${id}`, { token: bob.token });
    try {
      const answer = await asAlice.post(`/api/conversations/${id}/notes`, { body: '  Customer is a VIP, be nice  ' });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.any(String),
        conversationId: id,
        agentId: alice.id,
        agentName: 'Alice Agent',
        body: 'Customer is a VIP, be nice',
        createdAt: expect.any(String),
      });
      const event = await sse.waitForEvent((candidate) => candidate.event === 'conversation.note_added', 10_000, 'the note_added event');
      expect(liveEventOf(event)).toMatchObject({
        type: 'conversation.note_added',
        conversationId: id,
        data: { noteId: answer.body.id, agentId: alice.id, agentName: 'Alice Agent' },
      });
    } finally {
      sse.close();
    }
    await settled(stack, customer);
    expect(sentTo(stack, customer)).toHaveLength(sentBefore);
    expect(await stack.db.message.count({ where: { conversationId: id, direction: 'outbound' } })).toBe(0);
  });

  it('lets any agent add notes, whoever holds the conversation', async () => {
    const { id } = await openConversation(stack);
    expect((await asAlice.post(`/api/conversations/${id}/assign`)).status).toBe(200);
    const answer = await asBob.post(`/api/conversations/${id}/notes`, { body: 'I spoke to them yesterday' });
    expect(answer.status).toBe(201);
    expect(answer.body.agentId).toBe(bob.id);
  });

  it('refuses a blank or over-long note with 400 and an unknown conversation with 404', async () => {
    const { id } = await openConversation(stack);
    for (const body of ['', '   ', 'x'.repeat(4001)]) {
      const answer = await asAlice.post(`/api/conversations/${id}/notes`, { body });
      expect({ length: body.length, status: answer.status, code: answer.body.error.code }).toEqual({ length: body.length, status: 400, code: 'validation_failed' });
    }
    expect((await asAlice.post(`/api/conversations/${id}/notes`, { body: 'x'.repeat(4000) })).status).toBe(201);
    const unknown = await asAlice.post(`/api/conversations/${UNKNOWN_ID}/notes`, { body: 'Nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
  });
});

describe('GET /api/conversations/:id/thread', () => {
  it('merges messages (with agent and rule names), notes and audit events (with agent names) oldest to newest', async () => {
    const { id, customer } = await openConversation(stack, 'I need help please');
    expect((await asAlice.post(`/api/conversations/${id}/assign`)).status).toBe(200);
    expect((await asAlice.post(`/api/conversations/${id}/notes`, { body: 'Looking into it' })).status).toBe(201);
    expect((await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Hello, Alice here' })).status).toBe(201);
    await settled(stack, customer);

    const answer = await asAlice.get(`/api/conversations/${id}/thread`);
    expect(answer.status).toBe(200);
    const items = answer.body.items as ThreadItem[];
    expect(answer.body.nextBefore).toBeNull();
    expect([...items].sort(inThreadOrder)).toEqual(items);

    const messages = items.filter((item) => item.kind === 'message').map((item) => item.message!);
    expect(messages.map((message) => [message.author, message.body.slice(0, 17), message.agentName, message.ruleName])).toEqual([
      ['customer', 'I need help pleas', null, null],
      ['auto_response', expect.any(String), null, 'Help'],
      ['agent', 'Hello, Alice here', 'Alice Agent', null],
    ]);
    // The same message JSON as GET …/messages, plus the two names.
    const listed = (await asAlice.get(`/api/conversations/${id}/messages`)).body.messages as Record<string, unknown>[];
    const agentMessage = items.find((item) => item.message?.author === 'agent')!.message!;
    expect(agentMessage).toEqual({ ...listed.find((message) => message.id === agentMessage.id), agentName: 'Alice Agent', ruleName: null });

    const notes = items.filter((item) => item.kind === 'note').map((item) => item.note!);
    expect(notes).toEqual([{ id: expect.any(String), agentId: alice.id, agentName: 'Alice Agent', body: 'Looking into it', createdAt: expect.any(String) }]);
    const assigned = items.find((item) => item.event?.type === 'assigned');
    expect(assigned?.event?.agentName).toBe('Alice Agent');
    const events = (await asAlice.get(`/api/conversations/${id}/events`)).body.events as { id: string }[];
    expect(items.filter((item) => item.kind === 'event').map(idOf).sort()).toEqual(events.map((event) => event.id).sort());
    for (const item of items) expect(item.at).toBe(item.kind === 'message' ? (item.message as unknown as { createdAt: string }).createdAt : (item.note ?? (item.event as unknown as { createdAt: string }))!.createdAt);
  });

  it('pages backwards from the newest with nextBefore, each page in time order, ties ordered by kind then id, nothing lost or repeated', async () => {
    const { id, customer } = await openConversation(stack, 'First text');
    await textIn(stack, customer, 'Second text');
    // Rows of every kind at one moment, so only (kind, id) can order them.
    const tie = new Date(Date.now() + 60_000);
    const noteIds = [randomUUID(), randomUUID(), randomUUID()];
    await stack.db.conversationNote.createMany({ data: noteIds.map((noteId) => ({ id: noteId, conversationId: id, agentId: alice.id, body: `tie ${noteId}`, createdAt: tie })) });
    await stack.db.conversationEvent.create({ data: { conversationId: id, type: 'flagged', agentId: bob.id, createdAt: tie } });
    const message = await stack.db.message.findFirstOrThrow({ where: { conversationId: id, body: 'Second text' } });
    await stack.db.message.create({
      data: { conversationId: id, direction: 'inbound', author: 'customer', body: 'Tied text', status: 'received', fromNumber: customer, toNumber: message.toNumber, createdAt: tie },
    });

    const whole = (await asAlice.get(`/api/conversations/${id}/thread?limit=200`)).body.items as ThreadItem[];
    expect(whole.length).toBeGreaterThanOrEqual(8);
    expect([...whole].sort(inThreadOrder)).toEqual(whole);
    const tied = whole.filter((item) => item.at === tie.toISOString());
    expect(tied.map((item) => item.kind)).toEqual(['event', 'message', 'note', 'note', 'note']);

    for (const limit of [1, 2, 3]) {
      const pages: ThreadItem[][] = [];
      let before: string | null = null;
      do {
        const query: string = `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
        const page = await asAlice.get(`/api/conversations/${id}/thread${query}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(limit);
        expect([...page.body.items].sort(inThreadOrder)).toEqual(page.body.items);
        pages.push(page.body.items);
        before = page.body.nextBefore;
      } while (before);
      // Newest page first: put back together, the pages are the whole thread in order.
      expect(pages.reverse().flat()).toEqual(whole);
    }

    const latest = await asAlice.get(`/api/conversations/${id}/thread?limit=2`);
    expect(latest.body.items.map(idOf)).toEqual(whole.slice(-2).map(idOf));
    expect(latest.body.nextBefore).toMatch(/^t\d+\.[emn]\.[A-Za-z0-9_-]+$/);
  });

  it('answers 404 for an unknown conversation and 400 invalid_cursor for a bad cursor or limit', async () => {
    const unknown = await asAlice.get(`/api/conversations/${UNKNOWN_ID}/thread`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
    const { id } = await openConversation(stack);
    const badCursor = await asAlice.get(`/api/conversations/${id}/thread?before=c123.abc`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    expect((await asAlice.get(`/api/conversations/${id}/thread?limit=201`)).status).toBe(400);
    expect((await asAlice.get(`/api/conversations/${id}/thread?limit=0`)).status).toBe(400);
    // Any cursor of the right form is a position, even one no page produced.
    const forged = await asAlice.get(`/api/conversations/${id}/thread?before=t1.m.${Buffer.from('zzz').toString('base64url')}`);
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({ items: [], nextBefore: null });
  });
});
