// Bad input at the webhooks: clear status and error codes, and nothing stored or started.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createLogger } from '../src/infra/logger.ts';
import { freePort } from './support/free-port.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { postSignedForm } from './support/twilio-http.ts';

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

async function nothingStoredFor(customerNumber: string) {
  expect(await stack.db.contact.count({ where: { phoneNumber: customerNumber } })).toBe(0);
  expect(await stack.db.message.count({ where: { fromNumber: customerNumber } })).toBe(0);
  const running = stack.client.workflow.getHandle(stack.workflowId(customerNumber)).describe();
  await expect(running).rejects.toThrow(/not found/i);
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
    const { waitFor } = await import('./support/wait-for.ts');
    const stored = await waitFor('the MMS to be stored', () => stack.db.message.findUnique({ where: { twilioSid: sid } }).then((m) => m ?? undefined));
    expect(stored.mediaUrls).toEqual([params.MediaUrl0, params.MediaUrl1]);
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

  it('answers 503 temporal_unavailable so Twilio retries', async () => {
    const response = await postSignedForm(`${url}/api/webhooks/twilio/sms`, inboundParams(), stack.authToken);
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error.code).toBe('temporal_unavailable');
  });
});
