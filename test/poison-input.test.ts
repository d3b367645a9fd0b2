// Poison input, on the real stack: text PostgreSQL cannot store (NUL, unpaired surrogates) is
// stored with U+FFFD when Twilio sends it (nothing acknowledged and then lost, no conversation
// wedged) and refused at once with 400 invalid_text when an agent sends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { postSignedForm } from './support/twilio-http.ts';
import { waitFor } from './support/wait-for.ts';
import { openConversation, settled } from './api-conversations-support.ts';

let stack: TestStack;
let admin: TestAgent;
let agent: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  [admin, agent] = await Promise.all([createTestAgent(stack.db, 'admin'), createTestAgent(stack.db, 'agent')]);
});

afterAll(async () => {
  await stack?.stop();
});

function inboundParams(customer: string, body: string): Record<string, string> {
  const sid = newMessageSid();
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    AccountSid: stack.accountSid,
    From: customer,
    To: BUSINESS_NUMBER,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
}

/** Posts a JSON document exactly as written (so the escapes are the client's, not JSON.stringify's). */
async function postRawJson(path: string, json: string, token: string) {
  const started = performance.now();
  const response = await fetch(stack.baseUrl + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: json,
  });
  return { status: response.status, body: (await response.json()) as any, ms: performance.now() - started };
}

function invalidText(field: string) {
  return {
    error: {
      code: 'invalid_text',
      message: `${field} contains characters that cannot be stored (NUL or an unpaired surrogate)`,
      details: { field },
    },
  };
}

/** The number of events in the conversation workflow's history: it grows with anything the workflow is sent. */
async function historyLength(customer: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(stack.workflowId(customer)).fetchHistory();
  return history.events?.length ?? 0;
}

describe('a signed Twilio webhook holding NUL', () => {
  const customer = newCustomerNumber();

  it('is acknowledged, stored once with U+FFFD in place of NUL, and marked normalised', async () => {
    const params = inboundParams(customer, 'My code is 12\u000034, can you check it?');
    const answer = await postSignedForm(stack.inboundUrl, params, stack.authToken);
    expect(answer.status).toBe(200);

    const stored = await waitFor('the text to be stored', async () => (await stack.db.message.findUnique({ where: { twilioSid: params.MessageSid } })) ?? undefined);
    expect(stored.body).toBe('My code is 12\uFFFD34, can you check it?');
    expect(stored.bodyNormalized).toBe(true);
    await settled(stack, customer, 1);
    expect(await stack.db.message.count({ where: { twilioSid: params.MessageSid } })).toBe(1);
  });

  it("leaves the conversation working: the customer's next text is stored and auto-answered", async () => {
    const params = inboundParams(customer, 'documents');
    expect((await postSignedForm(stack.inboundUrl, params, stack.authToken)).status).toBe(200);

    const stored = await waitFor('the next text to be stored', async () => (await stack.db.message.findUnique({ where: { twilioSid: params.MessageSid } })) ?? undefined);
    expect(stored).toMatchObject({ body: 'documents', bodyNormalized: false });
    const reply = await waitFor('the auto-reply to be sent', () =>
      stack.emulator.messages().find((message) => message.to === customer && message.body.length > 0),
    );
    expect(reply.from).toBe(BUSINESS_NUMBER);
    await waitFor('the auto-reply to be stored', async () =>
      (await stack.db.message.count({ where: { toNumber: customer, author: 'auto_response', twilioSid: reply.sid } })) === 1,
    );
  });

  it('is a status callback whose parameter holds NUL: 2xx, and its audit row is stored normalised', async () => {
    const sid = newMessageSid();
    const answer = await postSignedForm(
      stack.statusUrl,
      {
        MessageSid: sid,
        MessageStatus: 'delivered',
        From: BUSINESS_NUMBER,
        To: customer,
        AccountSid: stack.accountSid,
        ApiVersion: '2010-04-01',
        RawDlrDoneDate: '2401\u0000011200',
      },
      stack.authToken,
    );
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(300);

    const row = await waitFor('the audit row', async () => (await stack.db.statusCallback.findFirst({ where: { messageSid: sid } })) ?? undefined);
    expect(row).toMatchObject({ status: 'delivered', payload: expect.objectContaining({ RawDlrDoneDate: '2401\uFFFD011200' }) });
  });

  it('still needs the signature made over the text exactly as sent', async () => {
    const params = inboundParams(newCustomerNumber(), 'hello\u0000');
    // Signed over the normalised text: not what Twilio would have signed, so refused.
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signature = getExpectedTwilioSignature(stack.authToken, stack.inboundUrl, { ...params, Body: 'hello\uFFFD' });
    expect((await postSignedForm(stack.inboundUrl, params, stack.authToken, { signature })).status).toBe(403);
  });
});

describe('agent input holding NUL or an unpaired surrogate', () => {
  it('refuses a reply with "\\u0000" at once with 400 invalid_text, touching no workflow', async () => {
    const { id, customer } = await openConversation(stack);
    const before = await historyLength(customer);

    const answer = await postRawJson(`/api/conversations/${id}/messages`, '{"body":"hi\\u0000"}', agent.token);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(invalidText('body.body'));
    expect(answer.ms).toBeLessThan(1000);

    expect(await historyLength(customer)).toBe(before);
    expect(await stack.db.message.count({ where: { conversationId: id, direction: 'outbound' } })).toBe(0);
    expect(stack.emulator.messages().filter((message) => message.to === customer)).toEqual([]);
  });

  it('refuses a reply holding a lone surrogate escape with 400 invalid_text', async () => {
    const { id, customer } = await openConversation(stack);
    const answer = await postRawJson(`/api/conversations/${id}/messages`, '{"body":"thanks \\ud83d"}', agent.token);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(invalidText('body.body'));
    expect(await stack.db.message.count({ where: { conversationId: id, direction: 'outbound' } })).toBe(0);
    expect(stack.emulator.messages().filter((message) => message.to === customer)).toEqual([]);
  });

  it('refuses a rule with a NUL keyword with 400 invalid_text and creates nothing', async () => {
    const json = '{"name":"Poison","keywords":["hours","op\\u0000en"],"response":"We are open 9 to 5.","priority":77}';
    const answer = await postRawJson('/api/rules', json, admin.token);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(invalidText('body.keywords[1]'));
    expect(await stack.db.autoResponseRule.count({ where: { name: 'Poison' } })).toBe(0);
  });

  it('refuses a NUL in a JSON key', async () => {
    const { id } = await openConversation(stack);
    const answer = await postRawJson(`/api/conversations/${id}/messages`, '{"body":"hi","x\\u0000":1}', agent.token);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'body["x\uFFFD"]' } });
  });

  it('refuses %00 in a query string or a path parameter', async () => {
    const list = await requestJson(stack.baseUrl, 'GET', '/api/conversations?customerNumber=%00', { token: agent.token });
    expect(list.status).toBe(400);
    expect(list.body).toEqual(invalidText('query.customerNumber'));

    const one = await requestJson(stack.baseUrl, 'GET', '/api/conversations/%00', { token: agent.token });
    expect(one.status).toBe(400);
    expect(one.body).toEqual(invalidText('params.id'));
  });

  it('is documented: every agent route lists invalid_text among its 400 answers', async () => {
    const document = (await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const missing = Object.entries(document.paths)
      .filter(([path]) => !path.startsWith('/api/webhooks/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, operation })))
      .filter(({ operation }) => !operation.responses['400']?.description.includes('invalid_text'))
      .map(({ route }) => route);
    expect(missing).toEqual([]);
  });
});
