// The limits a message meets, against the real stack: bodies counted as Twilio counts them and
// capped in segments (refused with the reason and the counts, nothing sent or stored), media URLs
// only https from agents and only Twilio's from Twilio, and never a bad URL served back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent } from './support/agents.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { clientFor, openConversation, sentTo, settled, type AgentClient } from './api-conversations-support.ts';

const EMOJI = '😀';
const TWILIO_MEDIA = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';

let stack: TestStack;
let asAgent: AgentClient;
let asAdmin: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  const [agent, admin] = await Promise.all([createTestAgent(stack.db, 'agent', 'Alice'), createTestAgent(stack.db, 'admin', 'Ada')]);
  asAgent = clientFor(stack, agent.token);
  asAdmin = clientFor(stack, admin.token);
});

afterAll(async () => {
  await stack?.stop();
});

async function outboundCount(customer: string): Promise<number> {
  return stack.db.message.count({ where: { toNumber: customer, direction: 'outbound' } });
}

describe('message bodies', () => {
  it('refuses 900 emoji (1800 characters as Twilio counts them) with 400 body_too_long and the counts, sending nothing', async () => {
    const { id, customer } = await openConversation(stack);
    const answer = await asAgent.post(`/api/conversations/${id}/messages`, { body: EMOJI.repeat(900) });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'body_too_long',
      message: expect.stringContaining('1800 characters'),
      details: {
        fields: [{ field: 'body.body', message: answer.body.error.message }],
        characters: 1800,
        encoding: 'UCS-2',
        segments: 28,
        maxCharacters: 1600,
        maxSegments: 11,
      },
    });
    expect(sentTo(stack, customer)).toEqual([]);
    expect(await outboundCount(customer)).toBe(0);
  });

  it('refuses 700 emoji (22 segments) with 400 too_many_segments, also as a first message', async () => {
    const { id, customer } = await openConversation(stack);
    const reply = await asAgent.post(`/api/conversations/${id}/messages`, { body: EMOJI.repeat(700) });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'too_many_segments', details: { characters: 1400, encoding: 'UCS-2', segments: 22, maxSegments: 11 } });

    const newCustomer = newCustomerNumber();
    const first = await asAgent.post('/api/conversations', { customerNumber: newCustomer, body: EMOJI.repeat(700) });
    expect(first.status).toBe(400);
    expect(first.body.error.code).toBe('too_many_segments');
    expect(await stack.db.conversation.count({ where: { customerNumber: newCustomer } })).toBe(0);
    expect(sentTo(stack, customer)).toEqual([]);
  });

  it('accepts 1600 GSM-7 characters and says, in the answer and the stored row, that they go out as 11 GSM-7 segments', async () => {
    const { id, customer } = await openConversation(stack);
    const answer = await asAgent.post(`/api/conversations/${id}/messages`, { body: 'y'.repeat(1600) });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ encoding: 'GSM-7', numSegments: 11 });
    const row = await stack.db.message.findUniqueOrThrow({ where: { id: answer.body.id } });
    expect(row).toMatchObject({ encoding: 'GSM-7', numSegments: 11 });
    expect(sentTo(stack, customer).map((message) => [message.body.length, message.numSegments])).toEqual([[1600, 11]]);
  });

  it('holds auto-response rules and the test SMS to the same limits', async () => {
    const rule = await asAdmin.post('/api/rules', { name: 'Emoji wall', keywords: ['party'], response: EMOJI.repeat(700), priority: 901 });
    expect(rule.status).toBe(400);
    expect(rule.body.error).toMatchObject({ code: 'too_many_segments', details: { fields: [{ field: 'body.response' }] } });

    const customer = newCustomerNumber();
    const test = await asAdmin.post('/api/test-twilio-config', { action: 'send-test-sms', phoneNumber: customer, message: EMOJI.repeat(700) });
    expect(test.status).toBe(400);
    expect(test.body.error).toMatchObject({ code: 'too_many_segments', details: { fields: [{ field: 'body.message' }] } });
    expect(sentTo(stack, customer)).toEqual([]);
  });
});

describe('media URLs from agents', () => {
  it.each([
    ['javascript:alert(1)', 'must be https (not javascript:)'],
    ['http://example.com/form.pdf', 'must be https (not http:)'],
  ])('refuses %s with 400 invalid_media_url, naming the field, and sends nothing', async (url, reason) => {
    const { id, customer } = await openConversation(stack);
    const answer = await asAgent.post(`/api/conversations/${id}/messages`, { body: 'Here is the form', mediaUrls: ['https://example.com/ok.png', url] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'invalid_media_url',
      message: expect.stringContaining(reason),
      details: { fields: [{ field: 'body.mediaUrls.1' }] },
    });
    expect(sentTo(stack, customer)).toEqual([]);
    expect(await outboundCount(customer)).toBe(0);
  });
});

describe('media URLs from Twilio', () => {
  it('keeps the text of an inbound message with MediaUrl0=javascript:alert(1), answers 200, and stores only Twilio’s media URL', async () => {
    const customer = newCustomerNumber();
    const answer = await stack.emulator.sendInbound({
      from: customer,
      to: BUSINESS_NUMBER,
      body: 'Photo of the damage attached',
      mediaUrls: ['javascript:alert(1)', TWILIO_MEDIA, 'http://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2'],
    });
    expect(answer.status).toBe(200);
    await settled(stack, customer, 1);
    const stored = await stack.db.message.findFirstOrThrow({ where: { fromNumber: customer, direction: 'inbound' } });
    expect(stored).toMatchObject({ body: 'Photo of the damage attached', mediaUrls: [TWILIO_MEDIA] });

    const listed = await asAgent.get(`/api/conversations/${stored.conversationId}/messages`);
    expect(listed.body.messages[0]).toMatchObject({ id: stored.id, mediaUrls: [TWILIO_MEDIA] });
  });

  it('never serves a stored URL that breaks the rules (a row written before them)', async () => {
    const { id } = await openConversation(stack);
    const row = await stack.db.message.findFirstOrThrow({ where: { conversationId: id, direction: 'inbound' } });
    await stack.db.message.update({ where: { id: row.id }, data: { mediaUrls: ['javascript:alert(1)', TWILIO_MEDIA, 'https://evil.example/x.png'] } });
    const listed = await asAgent.get(`/api/conversations/${id}/messages`);
    expect(listed.status).toBe(200);
    const shown = listed.body.messages.find((message: { id: string }) => message.id === row.id);
    expect(shown.mediaUrls).toEqual([TWILIO_MEDIA]);
    expect(JSON.stringify(listed.body)).not.toContain('javascript:');
  });
});
