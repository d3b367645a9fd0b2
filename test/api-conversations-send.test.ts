// Agents sending through the REST API, against the real stack: replies in a conversation and
// conversations an agent starts, with every refusal (bad input, opted-out customer, closed
// conversation, Twilio saying no) answered clearly and nothing sent when refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';
import { clientFor, openConversation, optOut, sentTo, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';

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

async function eventsOf(conversationId: string) {
  const answer = await asAlice.get(`/api/conversations/${conversationId}/events?limit=100`);
  expect(answer.status).toBe(200);
  return answer.body.events as { type: string; agent: { id: string } | null; data: Record<string, unknown> }[];
}

async function expectNothingStoredFor(customer: string, body: string) {
  expect(await stack.db.message.count({ where: { toNumber: customer, body } })).toBe(0);
}

describe('POST /api/conversations/:id/messages', () => {
  it('sends the reply through Twilio and answers 201 with the stored message', async () => {
    const { id, customer } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Hello, Alice here. How can I help?' });
    expect(answer.status).toBe(201);
    const [sent] = sentTo(stack, customer);
    expect(sent).toMatchObject({ from: BUSINESS_NUMBER, body: 'Hello, Alice here. How can I help?' });
    expect(answer.body).toMatchObject({
      conversationId: id,
      direction: 'outbound',
      author: 'agent',
      agentId: alice.id,
      body: 'Hello, Alice here. How can I help?',
      twilioSid: sent!.sid,
      numSegments: 1,
      encoding: 'GSM-7',
      errorCode: null,
    });
    expect(['queued', 'sending', 'sent', 'delivered']).toContain(answer.body.status);
    expect(Date.parse(answer.body.createdAt)).not.toBeNaN();

    // Replying clears the needs-attention flag the unanswered text raised.
    const detail = await asAlice.get(`/api/conversations/${id}`);
    expect(detail.body).toMatchObject({ needsAttention: false, lastMessage: { id: answer.body.id, author: 'agent' } });
  });

  it('reports UCS-2 and the segment count for text GSM-7 cannot carry, and passes media URLs on', async () => {
    const { id, customer } = await openConversation(stack);
    const body = 'Merci beaucoup 😊 '.repeat(5);
    const answer = await asAlice.post(`/api/conversations/${id}/messages`, { body, mediaUrls: ['https://example.com/form.pdf'] });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ encoding: 'UCS-2', numSegments: 2, mediaUrls: ['https://example.com/form.pdf'] });
    expect(sentTo(stack, customer)[0]?.mediaUrls).toEqual(['https://example.com/form.pdf']);
  });

  it('refuses an empty, whitespace-only or over-1600-character body with 400 (invalid_message, body_too_long) and sends nothing', async () => {
    const { id, customer } = await openConversation(stack);
    for (const [body, code] of [['', 'invalid_message'], ['   \n\t ', 'invalid_message'], ['x'.repeat(1601), 'body_too_long']]) {
      const answer = await asAlice.post(`/api/conversations/${id}/messages`, { body });
      expect(answer.status, JSON.stringify(body!.slice(0, 10))).toBe(400);
      expect(answer.body.error).toMatchObject({ code, details: { fields: [{ field: 'body.body' }] } });
    }
    const exactly1600 = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'y'.repeat(1600) });
    expect(exactly1600.status).toBe(201);
    expect(sentTo(stack, customer).map((message) => message.body.length)).toEqual([1600]);
  });

  it('validates the request shape', async () => {
    const { id } = await openConversation(stack);
    const missing = await asAlice.post(`/api/conversations/${id}/messages`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'body.body' }] } });

    const badMedia = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'hi', mediaUrls: ['ftp://example.com/a.png'] });
    expect(badMedia.status).toBe(400);
    expect(badMedia.body.error.details.fields[0].field).toBe('body.mediaUrls.0');

    const tooManyMedia = await asAlice.post(`/api/conversations/${id}/messages`, {
      body: 'hi',
      mediaUrls: Array.from({ length: 11 }, (_, index) => `https://example.com/${index}.png`),
    });
    expect(tooManyMedia.status).toBe(400);
    expect(tooManyMedia.body.error.details.fields[0].field).toBe('body.mediaUrls');
  });

  it('answers 404 for an unknown conversation, 400 for a malformed id, 401 without a token', async () => {
    const unknown = await asAlice.post(`/api/conversations/${UNKNOWN_ID}/messages`, { body: 'hi' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
    const malformed = await asAlice.post('/api/conversations/123/messages', { body: 'hi' });
    expect(malformed.status).toBe(400);
    const anonymous = await requestJson(stack.baseUrl, 'POST', `/api/conversations/${UNKNOWN_ID}/messages`, { body: { body: 'hi' } });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a customer who texted STOP with 409 customer_opted_out and puts the attempt on the audit trail', async () => {
    const { id, customer } = await openConversation(stack);
    await optOut(stack, customer);
    const sentBefore = sentTo(stack, customer).length;

    const answer = await asBob.post(`/api/conversations/${id}/messages`, { body: 'Are you still there?' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('customer_opted_out');
    expect(sentTo(stack, customer)).toHaveLength(sentBefore);
    await expectNothingStoredFor(customer, 'Are you still there?');

    const refused = (await eventsOf(id)).filter((event) => event.type === 'send_refused');
    expect(refused).toEqual([
      expect.objectContaining({ agent: expect.objectContaining({ id: bob.id }), data: { reason: 'customer_opted_out', bodyLength: 20 } }),
    ]);
  });

  it('refuses a closed conversation with 409 conversation_closed until it is reopened', async () => {
    const { id, customer } = await openConversation(stack);
    expect((await asAlice.post(`/api/conversations/${id}/close`)).status).toBe(200);
    const refused = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'One more thing' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conversation_closed');
    expect(sentTo(stack, customer)).toHaveLength(0);

    expect((await asAlice.post(`/api/conversations/${id}/reopen`)).status).toBe(200);
    const sent = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'One more thing' });
    expect(sent.status).toBe(201);
    expect(sentTo(stack, customer).map((message) => message.body)).toEqual(['One more thing']);
  });

  it('answers 422 twilio_rejected when Twilio refuses the message for good, with the failed message on record', async () => {
    const { id, customer } = await openConversation(stack);
    stack.emulator.failNextSends(1, 400);
    const answer = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'This one bounces' });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('twilio_rejected');
    const failed = await stack.db.message.findFirstOrThrow({ where: { toNumber: customer, body: 'This one bounces' } });
    expect(failed).toMatchObject({ status: 'failed', twilioSid: null });
    expect(answer.body.error.details).toMatchObject({ messageId: failed.id });
  });
});

describe('POST /api/conversations', () => {
  it('texts a new customer first and gives the conversation to the caller', async () => {
    const customer = newCustomerNumber();
    const answer = await asAlice.post('/api/conversations', { customerNumber: customer, body: 'Hi, your appointment is confirmed for Monday.' });
    expect(answer.status).toBe(201);

    const sent = await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    const first = sent.find((message) => message.to === customer)!;
    expect(first).toMatchObject({ from: BUSINESS_NUMBER, body: 'Hi, your appointment is confirmed for Monday.' });

    expect(answer.body.conversation).toMatchObject({
      businessNumber: BUSINESS_NUMBER,
      customerNumber: customer,
      status: 'open',
      assignedAgent: { id: alice.id, name: 'Alice' },
      contact: { phoneNumber: customer, optedOut: false },
      live: { assignedAgentId: alice.id },
      unreadCount: 0,
    });
    expect(answer.body.message).toMatchObject({
      conversationId: answer.body.conversation.id,
      author: 'agent',
      agentId: alice.id,
      twilioSid: first.sid,
      encoding: 'GSM-7',
    });

    const listed = await asAlice.get(`/api/conversations?assignedTo=me&customerNumber=${encodeURIComponent(customer)}`);
    expect(listed.body.conversations.map((row: { id: string }) => row.id)).toEqual([answer.body.conversation.id]);
    const events = await eventsOf(answer.body.conversation.id);
    expect(events.map((event) => [event.type, event.agent?.id ?? null])).toEqual([
      ['opened', null],
      ['assigned', alice.id],
    ]);
  });

  it('sends from the business number given when it is a configured sender, and refuses any other with 422 sender_not_allowed', async () => {
    const customer = newCustomerNumber();
    const notOurs = '+15005550009';
    const refused = await asAlice.post('/api/conversations', { customerNumber: customer, businessNumber: notOurs, body: 'Hello from a line we do not own' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'sender_not_allowed',
      details: { fields: [{ field: 'body.businessNumber' }], allowedSenders: [BUSINESS_NUMBER] },
    });
    expect(sentTo(stack, customer)).toEqual([]);
    expect(await stack.db.conversation.count({ where: { customerNumber: customer } })).toBe(0);

    const answer = await asAlice.post('/api/conversations', { customerNumber: customer, businessNumber: BUSINESS_NUMBER, body: 'Hello from our line' });
    expect(answer.status).toBe(201);
    expect(answer.body.conversation.businessNumber).toBe(BUSINESS_NUMBER);
    expect(sentTo(stack, customer)[0]?.from).toBe(BUSINESS_NUMBER);
  });

  it('refuses a number that is not E.164 with 400 invalid_phone_number', async () => {
    for (const [field, request] of [
      ['body.customerNumber', { customerNumber: '07700 900123', body: 'hi' }],
      ['body.customerNumber', { customerNumber: '+0123', body: 'hi' }],
      ['body.businessNumber', { customerNumber: newCustomerNumber(), businessNumber: 'main line', body: 'hi' }],
    ] as const) {
      const answer = await asAlice.post('/api/conversations', request);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_phone_number', details: { fields: [{ field }] } });
    }
  });

  it('refuses an empty or over-long first message with 400 (invalid_message, body_too_long) and starts nothing', async () => {
    const customer = newCustomerNumber();
    for (const [body, code] of [[' ', 'invalid_message'], ['z'.repeat(1601), 'body_too_long']]) {
      const answer = await asAlice.post('/api/conversations', { customerNumber: customer, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe(code);
    }
    const missing = await asAlice.post('/api/conversations', { customerNumber: customer });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');
    expect(await stack.db.conversation.count({ where: { customerNumber: customer } })).toBe(0);
  });

  it('refuses an opted-out customer with 409 customer_opted_out, audited on their conversation', async () => {
    const { id, customer } = await openConversation(stack);
    await optOut(stack, customer);
    const sentBefore = sentTo(stack, customer).length;
    const answer = await asAlice.post('/api/conversations', { customerNumber: customer, body: 'Special offer just for you' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('customer_opted_out');
    expect(sentTo(stack, customer)).toHaveLength(sentBefore);
    await expectNothingStoredFor(customer, 'Special offer just for you');
    const refused = (await eventsOf(id)).filter((event) => event.type === 'send_refused');
    expect(refused).toEqual([expect.objectContaining({ agent: expect.objectContaining({ id: alice.id }), data: { reason: 'customer_opted_out', bodyLength: 26 } })]);
  });

  it('reopens a closed conversation with the number, sends, and takes it', async () => {
    const { id, customer } = await openConversation(stack);
    expect((await asBob.post(`/api/conversations/${id}/close`)).status).toBe(200);
    const answer = await asAlice.post('/api/conversations', { customerNumber: customer, body: 'Following up on your question' });
    expect(answer.status).toBe(201);
    expect(answer.body.conversation).toMatchObject({ id, status: 'open', closedAt: null, assignedAgent: { id: alice.id } });
    expect(sentTo(stack, customer).map((message) => message.body)).toEqual(['Following up on your question']);
    const events = await eventsOf(id);
    expect(events.filter((event) => event.agent).map((event) => [event.type, event.agent?.id])).toEqual([
      ['closed', bob.id],
      ['reopened', alice.id],
      ['assigned', alice.id],
    ]);
  });

  it('refuses to write on a conversation another agent holds (403, naming them); an admin may, and it stays theirs', async () => {
    const { id, customer } = await openConversation(stack);
    expect((await asBob.post(`/api/conversations/${id}/assign`)).status).toBe(200);
    const refused = await asAlice.post('/api/conversations', { customerNumber: customer, body: 'Quick note from Alice' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'not_assigned_to_you', message: expect.stringContaining('Bob') });

    const admin = await createTestAgent(stack.db, 'admin', 'Ada');
    const answer = await clientFor(stack, admin.token).post('/api/conversations', { customerNumber: customer, body: 'A note from the supervisor' });
    expect(answer.status).toBe(201);
    expect(answer.body.conversation).toMatchObject({ id, assignedAgent: { id: bob.id } });
    await waitFor('the message to reach the customer', () => sentTo(stack, customer).length === 1);
    expect(sentTo(stack, customer)[0]!.body).toBe('A note from the supervisor');
  });
});
