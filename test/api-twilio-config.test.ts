// The admin's Twilio check: the configuration as the API sees it (never the auth token) and a
// test SMS sent through the real conversation pipeline to the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { closeUpdate, stateQuery } from '../src/shared/conversation-definitions.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { createLogger } from '../src/infra/logger.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

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

const sendTest = (body: unknown, token = admin.token, baseUrl = stack.baseUrl) =>
  requestJson(baseUrl, 'POST', '/api/test-twilio-config', { token, body });

function sentTo(customer: string) {
  return stack.emulator.messages().filter((message) => message.to === customer);
}

describe('GET /api/test-twilio-config', () => {
  it('shows the emulated configuration with the account SID masked and never the auth token', async () => {
    const response = await requestJson(stack.baseUrl, 'GET', '/api/test-twilio-config', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      configured: false,
      emulated: true,
      accountSid: `AC…${stack.accountSid.slice(-4)}`,
      phoneNumber: BUSINESS_NUMBER,
      messagingServiceSid: null,
      apiBaseUrl: stack.emulator.url,
      webhooks: {
        inbound: `${stack.baseUrl}/api/webhooks/twilio/sms`,
        status: `${stack.baseUrl}/api/webhooks/twilio/sms/status`,
      },
    });
    const raw = JSON.stringify(response.body);
    expect(raw).not.toContain(stack.authToken);
    expect(raw).not.toContain(stack.accountSid);
  });

  it('is for admins only', async () => {
    const response = await requestJson(stack.baseUrl, 'GET', '/api/test-twilio-config', { token: agent.token });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });
});

describe('POST /api/test-twilio-config send-test-sms', () => {
  it('records the message in the conversation, sends it, and returns its SID and status', async () => {
    const customer = newCustomerNumber();
    const response = await sendTest({ action: 'send-test-sms', phoneNumber: customer, message: 'Test from the admin console' });

    expect(response.status).toBe(200);
    const [sent] = sentTo(customer);
    expect(sent).toMatchObject({ body: 'Test from the admin console', from: BUSINESS_NUMBER });
    expect(response.body).toEqual({ sid: sent!.sid, status: 'queued', messageId: expect.any(String) });

    const stored = await stack.db.message.findUniqueOrThrow({ where: { id: response.body.messageId }, include: { conversation: true } });
    expect(stored).toMatchObject({ direction: 'outbound', author: 'agent', agentId: admin.id, twilioSid: sent!.sid, toNumber: customer });
    expect(stored.conversation).toMatchObject({ businessNumber: BUSINESS_NUMBER, customerNumber: customer, status: 'open' });
    await waitFor('the delivery receipt', async () =>
      (await stack.db.message.findUnique({ where: { id: response.body.messageId } }))?.status === 'delivered',
    );
  });

  it('refuses a customer who opted out with 409 customer_opted_out and sends nothing', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'STOP' });
    await waitFor('the opt-out', async () => (await stack.db.contact.findUnique({ where: { phoneNumber: customer } }))?.optedOut === true);
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    await waitFor('the conversation to settle', async () => (await handle.query(stateQuery)).pendingWork === 0);
    const confirmations = sentTo(customer).length;
    expect(confirmations).toBe(1);

    const response = await sendTest({ action: 'send-test-sms', phoneNumber: customer, message: 'Are you there?' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('customer_opted_out');
    expect(sentTo(customer)).toHaveLength(confirmations);
    expect(await stack.db.message.count({ where: { toNumber: customer, body: 'Are you there?' } })).toBe(0);
  });

  it('reopens a closed conversation first', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'hello' });
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    await waitFor('the text to be processed', async () => (await stack.db.message.count({ where: { fromNumber: customer } })) === 1 && (await handle.query(stateQuery)).pendingWork === 0);
    await handle.executeUpdate(closeUpdate, { args: [{ actingAgentId: admin.id }] });

    const response = await sendTest({ action: 'send-test-sms', phoneNumber: customer, message: 'Testing after close' });
    expect(response.status).toBe(200);
    expect(sentTo(customer).map((message) => message.body)).toContain('Testing after close');
    const conversation = await stack.db.conversation.findFirstOrThrow({ where: { customerNumber: customer }, include: { events: true } });
    expect(conversation.status).toBe('open');
    expect(conversation.events.map((event) => [event.type, event.agentId])).toEqual(
      expect.arrayContaining([
        ['closed', admin.id],
        ['reopened', admin.id],
      ]),
    );
  });

  it.each([
    ['an unknown action', { action: 'reboot-twilio', phoneNumber: '+15550001111', message: 'x' }, 'body.action'],
    ['no action', { phoneNumber: '+15550001111', message: 'x' }, 'body.action'],
    ['a number that is not E.164', { action: 'send-test-sms', phoneNumber: '07700 900123', message: 'x' }, 'body.phoneNumber'],
    ['an empty message', { action: 'send-test-sms', phoneNumber: '+15550001111', message: '' }, 'body.message'],
    ['a message over 1600 characters', { action: 'send-test-sms', phoneNumber: '+15550001111', message: 'm'.repeat(1601) }, 'body.message'],
  ])('answers 400 for %s', async (_case, body, field) => {
    const before = stack.emulator.messages().length;
    const response = await sendTest(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(stack.emulator.messages()).toHaveLength(before);
  });

  it('refuses to text the business number itself', async () => {
    const response = await sendTest({ action: 'send-test-sms', phoneNumber: BUSINESS_NUMBER, message: 'loop' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_phone_number');
  });

  it('is for admins only', async () => {
    const response = await sendTest({ action: 'send-test-sms', phoneNumber: newCustomerNumber(), message: 'x' }, agent.token);
    expect(response.status).toBe(403);
  });
});

describe('an API configured with real credentials and only a messaging service', () => {
  let api: RunningApi;
  let baseUrl: string;
  const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
  const ACCOUNT_SID = 'ACfedcba9876543210fedcba9876543210';

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = await startApiServer({
      db: stack.db,
      databaseUrl: stack.databaseUrl,
      temporalClient: stack.client,
      taskQueue: stack.taskQueue,
      twilio: { accountSid: ACCOUNT_SID, authToken: 'real-looking-secret-token', messagingServiceSid: MESSAGING_SERVICE_SID },
      twilioEmulated: false,
      publicBaseUrl: 'https://sms.example.com/',
      webhookBodyLimit: '64kb',
      host: '127.0.0.1',
      port,
      log: createLogger('silent', 'second-api'),
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('reports it as configured, with no phone number and no base URL override', async () => {
    const response = await requestJson(baseUrl, 'GET', '/api/test-twilio-config', { token: admin.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      configured: true,
      emulated: false,
      accountSid: 'AC…3210',
      phoneNumber: null,
      messagingServiceSid: MESSAGING_SERVICE_SID,
      apiBaseUrl: null,
      webhooks: { inbound: 'https://sms.example.com/api/webhooks/twilio/sms', status: 'https://sms.example.com/api/webhooks/twilio/sms/status' },
    });
    expect(JSON.stringify(response.body)).not.toContain('real-looking-secret-token');
  });

  it('answers 422 no_phone_number to a test SMS', async () => {
    const response = await sendTest({ action: 'send-test-sms', phoneNumber: newCustomerNumber(), message: 'x' }, admin.token, baseUrl);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('no_phone_number');
  });
});
