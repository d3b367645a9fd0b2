// Contacts (name, notes) and the inbox's search and sorts, against the real stack: a contact's
// name shows on its conversations and is announced live when changed; `q` finds conversations by
// name, message text or number digits (literally: % and _ are no wildcards); `oldest_waiting` puts
// the customers who have waited longest for an agent first, and both sorts page with cursors.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, openConversation, settled, textIn, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { liveEventOf, openSse } from './support/sse-client.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let alice: TestAgent;
let asAlice: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await createTestAgent(stack.db, 'agent', 'Alice Agent');
  asAlice = clientFor(stack, alice.token);
});

afterAll(async () => {
  await stack?.stop();
});

const patch = (path: string, body: unknown) => requestJson(stack.baseUrl, 'PATCH', path, { token: alice.token, body });
const word = () => `w${randomBytes(5).toString('hex')}`;

async function contactOf(conversationId: string): Promise<string> {
  return (await stack.db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).contactId;
}

async function listed(query: string): Promise<{ conversations: Record<string, any>[]; nextCursor: string | null }> {
  const answer = await asAlice.get(`/api/conversations?${query}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

describe('contacts', () => {
  it('reads a contact, sets and clears its name and notes, announces the change, and shows the name on its conversations', async () => {
    const { id, customer } = await openConversation(stack);
    const contactId = await contactOf(id);

    const read = await asAlice.get(`/api/contacts/${contactId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: contactId, phoneNumber: customer, name: null, notes: null, optedOut: false, optedOutAt: null, createdAt: expect.any(String) });

    const sse = await openSse(`${stack.baseUrl}/api/events`, { token: alice.token });
    try {
      const named = await patch(`/api/contacts/${contactId}`, { name: '  Grace Hopper ', notes: 'Prefers texts after 5pm' });
      expect(named.status).toBe(200);
      expect(named.body).toMatchObject({ id: contactId, name: 'Grace Hopper', notes: 'Prefers texts after 5pm' });
      const event = await sse.waitForEvent((candidate) => candidate.event === 'contact.updated', 10_000, 'contact.updated');
      expect(liveEventOf(event).data).toMatchObject({ contactId });
    } finally {
      sse.close();
    }

    const detail = await asAlice.get(`/api/conversations/${id}`);
    expect(detail.body.contact).toMatchObject({ id: contactId, name: 'Grace Hopper', phoneNumber: customer, optedOut: false });
    const row = (await listed(`customerNumber=${encodeURIComponent(customer)}`)).conversations[0]!;
    expect(row.contact).toEqual({ id: contactId, name: 'Grace Hopper' });
    expect(row.customerNumber).toBe(customer);

    // Only the fields given change; null (or blank) clears.
    const onlyNotes = await patch(`/api/contacts/${contactId}`, { notes: null });
    expect(onlyNotes.body).toMatchObject({ name: 'Grace Hopper', notes: null });
    const cleared = await patch(`/api/contacts/${contactId}`, { name: '   ' });
    expect(cleared.body).toMatchObject({ name: null, notes: null });
    expect((await asAlice.get(`/api/contacts/${contactId}`)).body.name).toBeNull();
  });

  it('refuses a name over 120 or notes over 2000 characters with 400, and answers 404 contact_not_found for an unknown id', async () => {
    const { id } = await openConversation(stack);
    const contactId = await contactOf(id);
    expect((await patch(`/api/contacts/${contactId}`, { name: 'x'.repeat(121) })).status).toBe(400);
    expect((await patch(`/api/contacts/${contactId}`, { notes: 'x'.repeat(2001) })).status).toBe(400);
    expect((await patch(`/api/contacts/${contactId}`, { name: 'x'.repeat(120), notes: 'y'.repeat(2000) })).status).toBe(200);
    // A change must change something.
    expect((await patch(`/api/contacts/${contactId}`, {})).body.error.code).toBe('validation_failed');
    for (const answer of [await asAlice.get(`/api/contacts/${UNKNOWN_ID}`), await patch(`/api/contacts/${UNKNOWN_ID}`, { name: 'Nobody' })]) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('contact_not_found');
    }
  });
});

describe('GET /api/conversations?q=', () => {
  it('finds conversations by contact name, message text or number digits, case-insensitively', async () => {
    const marker = word();
    const byText = await openConversation(stack, `My parcel ${marker.toUpperCase()} never came`);
    const byName = await openConversation(stack, 'Hello there');
    await patch(`/api/contacts/${await contactOf(byName.id)}`, { name: `Ada ${marker} Lovelace` });
    await openConversation(stack, 'Something else entirely');

    const found = await listed(`q=${marker}`);
    expect(found.conversations.map((row) => row.id).sort()).toEqual([byText.id, byName.id].sort());

    // Digits of the number, with the punctuation people type.
    const digits = byText.customer.slice(-7);
    const spaced = `${digits.slice(0, 3)} ${digits.slice(3)}`;
    expect((await listed(`q=${encodeURIComponent(spaced)}`)).conversations.map((row) => row.id)).toEqual([byText.id]);
    expect((await listed(`q=${encodeURIComponent(byText.customer)}`)).conversations.map((row) => row.id)).toEqual([byText.id]);
    expect((await listed(`q=${word()}`)).conversations).toEqual([]);
  });

  it('matches % and _ literally', async () => {
    const marker = word();
    const percent = await openConversation(stack, `save ${marker} 50% today`);
    await openConversation(stack, `save ${marker} 50x today`);
    const underscore = await openConversation(stack, `code ${marker}_a`);
    await openConversation(stack, `code ${marker}ba`);
    expect((await listed(`q=${encodeURIComponent(`${marker} 50%`)}`)).conversations.map((row) => row.id)).toEqual([percent.id]);
    expect((await listed(`q=${encodeURIComponent(`${marker}_`)}`)).conversations.map((row) => row.id)).toEqual([underscore.id]);
  });

  it('refuses a q over 100 characters', async () => {
    expect((await asAlice.get(`/api/conversations?q=${'x'.repeat(101)}`)).status).toBe(400);
  });

  it('is served by the trigram indexes', async () => {
    const plans = await stack.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      const explain = async (sql: string) => (await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${sql}`)).map((row) => row['QUERY PLAN']).join('\n');
      return [
        await explain(`SELECT id FROM messages WHERE body ILIKE '%parcel%'`),
        await explain(`SELECT id FROM contacts WHERE name ILIKE '%lovelace%'`),
        await explain(`SELECT id FROM conversations WHERE customer_number LIKE '%5550%'`),
      ];
    });
    expect(plans[0]).toContain('messages_body_trgm_idx');
    expect(plans[1]).toContain('contacts_name_trgm_idx');
    expect(plans[2]).toContain('conversations_customer_number_trgm_idx');
  });
});

describe('GET /api/conversations?sort=', () => {
  it('puts conversations needing attention first, longest waiting first, with waitingSince; recent stays newest activity first; both page with cursors', async () => {
    const marker = word();
    const first = await openConversation(stack, `${marker} one`);
    const second = await openConversation(stack, `${marker} two`);
    const answered = await openConversation(stack, `${marker} three`);
    expect((await asAlice.post(`/api/conversations/${answered.id}/messages`, { body: 'Answered' })).status).toBe(201);
    await settled(stack, answered.customer);
    const again = await openConversation(stack, `${marker} four`);
    expect((await asAlice.post(`/api/conversations/${again.id}/messages`, { body: 'Answered too' })).status).toBe(201);
    await settled(stack, again.customer);
    await textIn(stack, again.customer, `${marker} but one more thing`);

    const inbound = async (customer: string, body: string) =>
      (await stack.db.message.findFirstOrThrow({ where: { fromNumber: customer, body } })).createdAt.toISOString();

    const waiting = await listed(`q=${marker}&sort=oldest_waiting`);
    expect(waiting.conversations.map((row) => row.id)).toEqual([first.id, second.id, again.id, answered.id]);
    expect(waiting.conversations.map((row) => [row.needsAttention, row.waitingSince])).toEqual([
      [true, await inbound(first.customer, `${marker} one`)],
      [true, await inbound(second.customer, `${marker} two`)],
      // Only the text after the agent's reply counts.
      [true, await inbound(again.customer, `${marker} but one more thing`)],
      [false, null],
    ]);
    expect((await asAlice.get(`/api/conversations/${first.id}`)).body.waitingSince).toBe(waiting.conversations[0]!.waitingSince);

    const recent = await listed(`q=${marker}`);
    expect(recent.conversations.map((row) => row.id)).toEqual([again.id, answered.id, second.id, first.id]);

    for (const sort of ['oldest_waiting', 'recent']) {
      const expected = (sort === 'recent' ? recent : waiting).conversations.map((row) => row.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { conversations: Record<string, any>[]; nextCursor: string | null } = await listed(
          `q=${marker}&sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        seen.push(...page.conversations.map((row) => row.id));
        cursor = page.nextCursor;
        if (cursor) expect(cursor[0]).toBe(sort === 'recent' ? 'c' : 'w');
      } while (cursor);
      expect(seen).toEqual(expected);
    }
  });

  it('refuses an unknown sort and a malformed cursor with 400', async () => {
    expect((await asAlice.get('/api/conversations?sort=newest')).status).toBe(400);
    const bad = await asAlice.get('/api/conversations?sort=oldest_waiting&cursor=w2.n.1.YQ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
    expect((await asAlice.get('/api/conversations?cursor=w1.n.1.YQ')).status).toBe(200);
  });
});
