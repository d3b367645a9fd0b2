// Bad input at the webhooks: clear status and error codes, and nothing stored or started.
// Status callbacks that match no message of ours, and status callbacks while Temporal (and then
// also PostgreSQL) cannot be reached: recorded, never lost while the database is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createDatabase, type Database } from '../src/infra/database.ts';
import { createLogger } from '../src/infra/logger.ts';
import { STATUS_WEBHOOK_PATH } from '../src/shared/webhook-paths.ts';
import { stateQuery } from '../src/shared/conversation-definitions.ts';
import { freePort } from './support/free-port.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { createTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { postSignedForm } from './support/twilio-http.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

function inboundParams(overrides: Record<string, string> = {}): Record<string, string> {
  const sid = newMessageSid();
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    AccountSid: stack.accountSid,
    From: newCustomerNumber(),
    To: BUSINESS_NUMBER,
    Body: 'documents',
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
    ...overrides,
  };
}

async function noWorkflowFor(customerNumber: string) {
  // Asked of the shared Temporal server, where a started workflow would be.
  const running = stack.client.workflow.getHandle(stack.workflowId(customerNumber)).describe();
  await expect(running).rejects.toThrow(/not found/i);
}

async function nothingStoredFor(customerNumber: string) {
  expect(await stack.db.contact.count({ where: { phoneNumber: customerNumber } })).toBe(0);
  expect(await stack.db.message.count({ where: { fromNumber: customerNumber } })).toBe(0);
  await noWorkflowFor(customerNumber);
}

/** What Twilio posts to the status callback URL. */
function statusParams(messageSid: string, status: string, customerNumber: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: stack.accountSid,
    ApiVersion: '2010-04-01',
    MessageSid: messageSid,
    MessageStatus: status,
    SmsSid: messageSid,
    SmsStatus: status,
    From: BUSINESS_NUMBER,
    To: customerNumber,
    ...extra,
  };
}

/** A conversation with one outbound message, stored as the send activity leaves it. */
async function storedOutbound(status: string, twilioSid: string | null = newMessageSid()) {
  const customer = newCustomerNumber();
  const contact = await stack.db.contact.create({ data: { phoneNumber: customer } });
  const conversation = await stack.db.conversation.create({
    data: { businessNumber: BUSINESS_NUMBER, customerNumber: customer, contactId: contact.id, workflowId: stack.workflowId(customer) },
  });
  const message = await stack.db.message.create({
    data: {
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'agent',
      body: 'Your order has shipped',
      status,
      fromNumber: BUSINESS_NUMBER,
      toNumber: customer,
      twilioSid,
    },
  });
  return { customer, sid: twilioSid ?? newMessageSid(), message };
}

describe('signature checks', () => {
  it('answers 403 invalid_signature to a request signed with another token, and stores nothing', async () => {
    const params = inboundParams();
    const response = await postSignedForm(stack.inboundUrl, params, 'not-the-auth-token');
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    await nothingStoredFor(params.From!);
  });

  it('answers 403 missing_signature without the header', async () => {
    const params = inboundParams();
    const response = await fetch(stack.inboundUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('missing_signature');
    await nothingStoredFor(params.From!);
  });

  it('rejects a signature made for other parameters (a tampered body)', async () => {
    const params = inboundParams();
    const signedFor = { ...params, Body: 'something else' };
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signature = getExpectedTwilioSignature(stack.authToken, stack.inboundUrl, signedFor);
    const response = await postSignedForm(stack.inboundUrl, params, stack.authToken, { signature });
    expect(response.status).toBe(403);
    await nothingStoredFor(params.From!);
  });

  it('checks status callbacks too', async () => {
    const response = await postSignedForm(
      stack.statusUrl,
      { MessageSid: newMessageSid(), MessageStatus: 'delivered', From: BUSINESS_NUMBER, To: newCustomerNumber() },
      'wrong-token',
    );
    expect(response.status).toBe(403);
  });
});

describe('malformed requests', () => {
  it('answers 400 invalid_phone_number for a From that is not E.164', async () => {
    const params = inboundParams({ From: '07700 900123' });
    const response = await postSignedForm(stack.inboundUrl, params, stack.authToken);
    expect(response.status).toBe(400);
    const body = JSON.parse(response.body);
    expect(body.error.code).toBe('invalid_phone_number');
    expect(body.error.message).toMatch(/From/);
  });

  it('answers 400 invalid_webhook_parameters when MessageSid is missing', async () => {
    const { MessageSid: _dropped, ...params } = inboundParams();
    const response = await postSignedForm(stack.inboundUrl, params, stack.authToken);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('invalid_webhook_parameters');
    await nothingStoredFor(params.From!);
  });

  it('answers 400 for an unknown message status', async () => {
    const params = { MessageSid: newMessageSid(), MessageStatus: 'teleported', From: BUSINESS_NUMBER, To: newCustomerNumber() };
    const response = await postSignedForm(stack.statusUrl, params, stack.authToken);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('invalid_webhook_parameters');
  });

  it('answers 413 payload_too_large for a body over the limit', async () => {
    const params = inboundParams({ Body: 'x'.repeat(70 * 1024) });
    const response = await postSignedForm(stack.inboundUrl, params, stack.authToken);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
    await nothingStoredFor(params.From!);
  });

  it('answers 415 unsupported_media_type to JSON', async () => {
    const response = await fetch(stack.inboundUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': 'x' },
      body: JSON.stringify(inboundParams()),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });
});

describe('health', () => {
  it('answers GET on both webhook paths with JSON', async () => {
    for (const url of [stack.inboundUrl, stack.statusUrl]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    }
  });

  it('answers a wrong method with a JSON 405 naming the allowed ones', async () => {
    const response = await fetch(stack.inboundUrl, { method: 'PUT' });
    expect(response.status).toBe(405);
    const body = await response.json();
    expect(body.error.code).toBe('method_not_allowed');
    expect(response.headers.get('allow')).toMatch(/POST/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${stack.baseUrl}/api/nowhere`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
  });
});

describe('media messages', () => {
  it('stores the media URLs of an MMS', async () => {
    const customer = newCustomerNumber();
    const sid = `MM${newMessageSid().slice(2)}`;
    const params = inboundParams({
      MessageSid: sid,
      From: customer,
      Body: '',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
      MediaContentType1: 'application/pdf',
    });
    const response = await postSignedForm(stack.inboundUrl, params, stack.authToken);
    expect(response.status).toBe(200);
    const stored = await waitFor('the MMS to be stored', () => stack.db.message.findUnique({ where: { twilioSid: sid } }).then((m) => m ?? undefined));
    expect(stored.mediaUrls).toEqual([params.MediaUrl0, params.MediaUrl1]);
  });
});

describe('which status callbacks go to a workflow', () => {
  it('not one for a message we never sent: its audit row is marked unmatched, no workflow starts', async () => {
    const customer = newCustomerNumber();
    const sid = newMessageSid();
    const params = statusParams(sid, 'delivered', customer);
    const response = await postSignedForm(stack.statusUrl, params, stack.authToken);
    expect(response.status).toBe(204);

    // Recorded before the answer: nothing to wait for.
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: sid } });
    expect(audit).toEqual([expect.objectContaining({ status: 'delivered', matched: false, applied: false, payload: params })]);
    await nothingStoredFor(customer);
    expect(await stack.db.conversation.count({ where: { customerNumber: customer } })).toBe(0);
  });

  it('none for our own message\'s delivered callback: recorded as matched before the answer, no workflow woken', async () => {
    const { customer, sid, message } = await storedOutbound('sent');
    const response = await postSignedForm(stack.statusUrl, statusParams(sid, 'delivered', customer), stack.authToken);
    expect(response.status).toBe(204);
    // Recorded before the answer: nothing to wait for.
    expect(await stack.db.statusCallback.findMany({ where: { messageSid: sid } })).toEqual([
      expect.objectContaining({ status: 'delivered', matched: true, applied: true }),
    ]);
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('delivered');
    await expect(stack.client.workflow.getHandle(stack.workflowId(customer)).describe()).rejects.toThrow(/not found/);
  });

  it('our own message\'s failed callback: recorded before the answer, and its workflow told', async () => {
    const { customer, sid, message } = await storedOutbound('sent');
    const response = await postSignedForm(stack.statusUrl, statusParams(sid, 'failed', customer, { ErrorCode: '30008' }), stack.authToken);
    expect(response.status).toBe(204);
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('failed');
    await expect(stack.client.workflow.getHandle(stack.workflowId(customer)).describe()).resolves.toBeDefined();
    // The workflow's activity found the row the webhook wrote: still one.
    await waitFor('the workflow to have taken it', async () => (await stack.client.workflow.getHandle(stack.workflowId(customer)).query(stateQuery)).pendingWork === 0);
    expect(await stack.db.statusCallback.count({ where: { messageSid: sid } })).toBe(1);
  });

  it('hands over a callback that beats our own write of its SID (a send to that customer is in flight)', async () => {
    const { customer, sid } = await storedOutbound('sending', null);
    const response = await postSignedForm(stack.statusUrl, statusParams(sid, 'sent', customer), stack.authToken);
    expect(response.status).toBe(204);
    // Handed to the conversation's workflow (not recorded at the door), which records it.
    await expect(stack.client.workflow.getHandle(stack.workflowId(customer)).describe()).resolves.toBeDefined();
    const row = await waitFor('the workflow to record it', async () => (await stack.db.statusCallback.findFirst({ where: { messageSid: sid } })) ?? undefined);
    // At processing time the SID is still not stored: the audit row says so.
    expect(row).toMatchObject({ matched: false, applied: false });
  });
});

describe('when Temporal cannot be reached', () => {
  let api: RunningApi;
  let url: string;
  let connection: Connection;

  beforeAll(async () => {
    const deadPort = await freePort();
    connection = Connection.lazy({ address: `127.0.0.1:${deadPort}` });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = await startApiServer({
      db: stack.db,
      databaseUrl: stack.databaseUrl,
      temporalClient: new Client({ connection }),
      taskQueue: 'unreachable',
      twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER },
      twilioEmulated: true,
      publicBaseUrl: url,
      webhookBodyLimit: '64kb',
      host: '127.0.0.1',
      port,
      log: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await api?.close();
    await connection?.close();
  });

  it('answers an inbound text 503 temporal_unavailable so Twilio retries', async () => {
    const response = await postSignedForm(`${url}/api/webhooks/twilio/sms`, inboundParams(), stack.authToken);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('temporal_unavailable');
  });

  it('records a status callback for our message directly: 204, status advanced, audit row, live event', async () => {
    const { customer, sid, message } = await storedOutbound('sent');
    const params = statusParams(sid, 'delivered', customer, { RawDlrDoneDate: '2611301200' });
    const response = await postSignedForm(url + STATUS_WEBHOOK_PATH, params, stack.authToken);
    expect(response.status).toBe(204);

    expect(await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: 'delivered' });
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: sid } });
    expect(audit).toEqual([expect.objectContaining({ status: 'delivered', matched: true, applied: true, payload: params })]);
    const events = await stack.db.liveEvent.findMany({ where: { messageId: message.id, type: 'message.status' } });
    expect(events.map((event) => event.data)).toEqual([{ status: 'delivered', errorCode: null }]);
    await noWorkflowFor(customer);
  });

  it('keeps the status forward-only and takes 21610 as an opt-out, as the workflow would', async () => {
    const { customer, sid, message } = await storedOutbound('queued');
    const failed = await postSignedForm(url + STATUS_WEBHOOK_PATH, statusParams(sid, 'failed', customer, { ErrorCode: '21610' }), stack.authToken);
    expect(failed.status).toBe(204);
    const late = await postSignedForm(url + STATUS_WEBHOOK_PATH, statusParams(sid, 'sent', customer), stack.authToken);
    expect(late.status).toBe(204);

    expect(await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: 'failed', errorCode: 21610 });
    expect(await stack.db.contact.findUniqueOrThrow({ where: { phoneNumber: customer } })).toMatchObject({ optedOut: true, optOutKeyword: 'TWILIO_21610' });
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: sid }, orderBy: { receivedAt: 'asc' } });
    expect(audit.map((row) => [row.status, row.applied, row.matched])).toEqual([
      ['failed', true, true],
      ['sent', false, true],
    ]);
    await noWorkflowFor(customer);
  });

  it('records a callback for a message we never sent as unmatched: 204, no workflow', async () => {
    const customer = newCustomerNumber();
    const sid = newMessageSid();
    const response = await postSignedForm(url + STATUS_WEBHOOK_PATH, statusParams(sid, 'delivered', customer), stack.authToken);
    expect(response.status).toBe(204);
    expect(await stack.db.statusCallback.findMany({ where: { messageSid: sid } })).toEqual([
      expect.objectContaining({ matched: false, applied: false }),
    ]);
    await nothingStoredFor(customer);
  });
});

describe('when neither Temporal nor PostgreSQL can be reached', () => {
  let api: RunningApi;
  let url: string;
  let connection: Connection;
  let postgres: TcpProxy;
  let proxiedDb: Database;

  beforeAll(async () => {
    const target = new URL(stack.databaseUrl);
    postgres = await createTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await postgres.start();
    const proxied = new URL(stack.databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(postgres.port);
    proxiedDb = createDatabase(proxied.toString(), { poolMax: 2 });
    connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = await startApiServer({
      db: proxiedDb,
      databaseUrl: proxied.toString(),
      temporalClient: new Client({ connection }),
      taskQueue: 'unreachable',
      twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER },
      twilioEmulated: true,
      publicBaseUrl: url,
      webhookBodyLimit: '64kb',
      host: '127.0.0.1',
      port,
      log: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await api?.close();
    await connection?.close();
    await proxiedDb?.$disconnect();
    await postgres?.stop();
  });

  it('answers a status callback 503, the one case it cannot keep', async () => {
    const { customer, sid, message } = await storedOutbound('sent');
    await postgres.stop();
    const response = await postSignedForm(url + STATUS_WEBHOOK_PATH, statusParams(sid, 'delivered', customer), stack.authToken);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('service_unavailable');
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('sent');
    expect(await stack.db.statusCallback.count({ where: { messageSid: sid } })).toBe(0);
  });
});
