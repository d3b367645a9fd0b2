// Drives the emulator through the project's own Twilio client and sender over real HTTP, so what
// passes here is what the app will see.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TwilioConfig } from '../config/config.ts';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
import { createMessageStatusFetcher } from '../twilio/fetch-message-status.ts';
import { createSmsSender, TwilioSendError, type OutboundSms } from '../twilio/send-sms.ts';
import { createTwilioEmulator, type TwilioEmulator } from './index.ts';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'emulator-test-auth-token-5f1c';
const BUSINESS_NUMBER = '+447488879172';
const CUSTOMER = '+447700900123';
const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let emulator: TwilioEmulator;
let receiver: WebhookReceiver;
let logLines: string[];

beforeEach(async () => {
  logLines = [];
  const logSink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  emulator = createTwilioEmulator({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    statusCallbackDelayMs: 5,
    logger: pino({ level: 'debug' }, logSink),
  });
  await emulator.listen(0);
  receiver = await startWebhookReceiver(AUTH_TOKEN);
});

afterEach(async () => {
  await emulator.close();
  await receiver.close();
});

function twilioConfig(overrides: Partial<TwilioConfig> = {}): TwilioConfig {
  return {
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiBaseUrl: emulator.url,
    phoneNumber: BUSINESS_NUMBER,
    ...overrides,
  };
}

function sender(overrides: Partial<TwilioConfig> = {}) {
  const config = twilioConfig(overrides);
  return createSmsSender(createTwilioRestClient(config), config);
}

function sms(overrides: Partial<OutboundSms> = {}): OutboundSms {
  return { to: CUSTOMER, body: 'Hello from the contact centre', statusCallback: `${receiver.url}/status`, ...overrides };
}

async function sendError(promise: Promise<unknown>): Promise<TwilioSendError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TwilioSendError);
  return error as TwilioSendError;
}

/** A raw Messages API call, for requests twilio-node would never build. */
async function rawCreate(form: Record<string, string>, credentials = `${ACCOUNT_SID}:${AUTH_TOKEN}`, accountSid = ACCOUNT_SID) {
  const response = await fetch(`${emulator.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

describe('Messages API: create', () => {
  it('answers 201 with a Message resource twilio-node parses', async () => {
    const accepted = await sender()(sms());
    expect(accepted).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued', numSegments: 1, errorCode: null });

    const [stored] = emulator.messages();
    expect(stored).toMatchObject({
      sid: accepted.sid,
      accountSid: ACCOUNT_SID,
      to: CUSTOMER,
      from: BUSINESS_NUMBER,
      messagingServiceSid: null,
      body: 'Hello from the contact centre',
      mediaUrls: [],
      numSegments: 1,
      statusCallback: `${receiver.url}/status`,
    });

    const fetched = await createTwilioRestClient(twilioConfig()).messages(accepted.sid).fetch();
    expect(fetched).toMatchObject({
      sid: accepted.sid,
      accountSid: ACCOUNT_SID,
      to: CUSTOMER,
      from: BUSINESS_NUMBER,
      body: 'Hello from the contact centre',
      direction: 'outbound-api',
      apiVersion: '2010-04-01',
      numMedia: '0',
      numSegments: '1',
      price: null,
      errorCode: null,
      errorMessage: null,
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${accepted.sid}.json`,
    });
    expect(fetched.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(fetched.dateCreated.getTime())).toBe(false);
  });

  it('renders the resource in Twilio’s snake_case JSON with RFC 2822 dates', async () => {
    const { status, json } = await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: 'hi' });
    expect(status).toBe(201);
    expect(Object.keys(json).sort()).toEqual(
      [
        'account_sid', 'api_version', 'body', 'date_created', 'date_sent', 'date_updated', 'direction',
        'error_code', 'error_message', 'from', 'messaging_service_sid', 'num_media', 'num_segments',
        'price', 'price_unit', 'sid', 'status', 'subresource_uris', 'to', 'uri',
      ].sort(),
    );
    expect(json.date_created).toMatch(RFC_2822);
    expect(json.date_updated).toMatch(RFC_2822);
    expect(json.date_sent).toBeNull();
    expect(json.status).toBe('queued');
  });

  it('counts segments like Twilio for GSM-7 and UCS-2 bodies', async () => {
    const send = sender();
    expect((await send(sms({ body: 'a'.repeat(160) }))).numSegments).toBe(1);
    expect((await send(sms({ body: 'a'.repeat(161) }))).numSegments).toBe(2);
    expect((await send(sms({ body: 'a'.repeat(306) }))).numSegments).toBe(2);
    expect((await send(sms({ body: 'a'.repeat(307) }))).numSegments).toBe(3);
    expect((await send(sms({ body: '😀'.repeat(35) }))).numSegments).toBe(1);
    expect((await send(sms({ body: '😀'.repeat(36) }))).numSegments).toBe(2);
  });

  it('answers `accepted` without a From when only a Messaging Service is given', async () => {
    const accepted = await sender({ phoneNumber: undefined, messagingServiceSid: MESSAGING_SERVICE_SID })(sms());
    expect(accepted.status).toBe('accepted');
    expect(emulator.messages()[0]).toMatchObject({ from: null, messagingServiceSid: MESSAGING_SERVICE_SID });

    // Twilio reports 0 segments until the service has picked a sender.
    const { json } = await rawCreate({ To: CUSTOMER, MessagingServiceSid: MESSAGING_SERVICE_SID, Body: 'hi' });
    expect(json).toMatchObject({ status: 'accepted', from: null, num_segments: '0' });
  });

  it('keeps From next to the Messaging Service when both are given', async () => {
    const accepted = await sender({ messagingServiceSid: MESSAGING_SERVICE_SID })(sms());
    expect(accepted.status).toBe('queued');
    expect(emulator.messages()[0]).toMatchObject({ from: BUSINESS_NUMBER, messagingServiceSid: MESSAGING_SERVICE_SID });
  });

  it('accepts repeated MediaUrl parameters as an MMS', async () => {
    const mediaUrls = ['https://example.com/a.jpg', 'https://example.com/b.png'];
    const accepted = await sender()(sms({ mediaUrls }));
    expect(accepted.sid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(emulator.messages()[0]?.mediaUrls).toEqual(mediaUrls);
    const fetched = await createTwilioRestClient(twilioConfig()).messages(accepted.sid).fetch();
    expect(fetched.numMedia).toBe('2');
  });
});

describe('Messages API: errors', () => {
  it('rejects a To that is not E.164 with 21211, surfaced as a permanent TwilioSendError', async () => {
    const error = await sendError(sender()(sms({ to: '07700900123' })));
    expect(error).toMatchObject({ httpStatus: 400, code: 21211, retryable: false, optedOut: false });
    expect(error.message).toBe("The 'To' number 07700900123 is not a valid phone number.");
    expect(emulator.messages()).toEqual([]);
  });

  it('answers in Twilio’s error JSON shape', async () => {
    const { status, json } = await rawCreate({ To: 'nope', From: BUSINESS_NUMBER, Body: 'hi' });
    expect(status).toBe(400);
    expect(json).toEqual({
      code: 21211,
      message: "The 'To' number nope is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
  });

  it.each<{ name: string; form: Record<string, string>; code: number }>([
    { name: 'no To', form: { From: BUSINESS_NUMBER, Body: 'hi' }, code: 21604 },
    { name: 'neither From nor MessagingServiceSid', form: { To: CUSTOMER, Body: 'hi' }, code: 21603 },
    { name: 'a malformed MessagingServiceSid', form: { To: CUSTOMER, MessagingServiceSid: 'MG123', Body: 'hi' }, code: 21701 },
    { name: 'a From that is no sender', form: { To: CUSTOMER, From: '+44 7488 879172', Body: 'hi' }, code: 21212 },
    { name: 'neither Body nor MediaUrl', form: { To: CUSTOMER, From: BUSINESS_NUMBER }, code: 21602 },
    { name: 'an empty Body', form: { To: CUSTOMER, From: BUSINESS_NUMBER, Body: '' }, code: 21602 },
    {
      name: 'a StatusCallback that is no URL',
      form: { To: CUSTOMER, From: BUSINESS_NUMBER, Body: 'hi', StatusCallback: 'not a url' },
      code: 21609,
    },
  ])('rejects a request with $name ($code)', async ({ form, code }) => {
    const { status, json } = await rawCreate(form);
    expect({ status, code: json.code }).toEqual({ status: 400, code });
  });

  it('checks in Twilio’s order: a missing To wins over a missing Body', async () => {
    const { json } = await rawCreate({ From: BUSINESS_NUMBER });
    expect(json.code).toBe(21604);
  });

  it('refuses an opted-out recipient with 21610, which the sender reports as opted out', async () => {
    emulator.markOptedOut(CUSTOMER);
    const error = await sendError(sender()(sms()));
    expect(error).toMatchObject({ httpStatus: 400, code: 21610, retryable: false, optedOut: true });
    expect(error.message).toBe('Attempt to send to unsubscribed recipient');
    expect(emulator.messages()).toEqual([]);
  });

  it('refuses a body over 1600 characters with 21617 and accepts exactly 1600', async () => {
    const error = await sendError(sender()(sms({ body: 'x'.repeat(1601) })));
    expect(error).toMatchObject({ httpStatus: 400, code: 21617, retryable: false });
    await expect(sender()(sms({ body: 'x'.repeat(1600) }))).resolves.toMatchObject({ numSegments: 11 });
  });

  it('counts the 1600 in UTF-16 code units as Twilio does: 900 emoji are refused with 21617 in Twilio’s error JSON, 800 pass', async () => {
    const { status, json } = await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: '😀'.repeat(900) });
    expect(status).toBe(400);
    expect(json).toEqual({
      code: 21617,
      message: 'The concatenated message body exceeds the 1600 character limit.',
      more_info: 'https://www.twilio.com/docs/errors/21617',
      status: 400,
    });
    expect((await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: '😀'.repeat(801) })).json.code).toBe(21617);
    // Twilio itself takes 1600 code units of emoji (25 segments); the cap on segments is the app's own.
    await expect(sender()(sms({ body: '😀'.repeat(800) }))).resolves.toMatchObject({ numSegments: 25 });
    expect(emulator.messages().map((message) => message.body.length)).toEqual([1600]);
  });

  it('refuses a MediaUrl that is not http(s) with 21620', async () => {
    for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'example.com/a.png']) {
      const { status, json } = await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: 'hi', MediaUrl: url });
      expect({ status, code: json.code, message: json.message }, url).toEqual({ status: 400, code: 21620, message: 'Invalid media URL(s)' });
    }
    expect(emulator.messages()).toEqual([]);
  });

  it('answers wrong credentials with 401 / 20003', async () => {
    const error = await sendError(sender({ authToken: 'wrong-token' })(sms()));
    expect(error).toMatchObject({ httpStatus: 401, code: 20003, retryable: false });

    const { status, headers, json } = await rawCreate({ To: CUSTOMER }, `${ACCOUNT_SID}:nope`);
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('Basic');
    expect(json).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  });

  it('answers another account’s path with 404 / 20404', async () => {
    const other = 'ACffffffffffffffffffffffffffffffff';
    const { status, json } = await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: 'hi' }, undefined, other);
    expect(status).toBe(404);
    expect(json).toMatchObject({ code: 20404, status: 404 });
  });

  it('fails the next sends with an injected 500 or 429, which the sender reports as retryable', async () => {
    const send = sender();
    emulator.failNextSends(1, 500);
    expect(await sendError(send(sms()))).toMatchObject({ httpStatus: 500, code: 20500, retryable: true });
    await expect(send(sms())).resolves.toMatchObject({ status: 'queued' });

    emulator.failNextSends(2, 429);
    expect(await sendError(send(sms()))).toMatchObject({ httpStatus: 429, code: 20429, retryable: true });
    expect(await sendError(send(sms()))).toMatchObject({ httpStatus: 429, retryable: true });
    await expect(send(sms())).resolves.toMatchObject({ status: 'queued' });
    expect(emulator.messages()).toHaveLength(2);
  });

  it('answers bodies over 64 KB with 413 in Twilio’s error shape', async () => {
    const { status, json } = await rawCreate({ To: CUSTOMER, From: BUSINESS_NUMBER, Body: 'x'.repeat(70_000) });
    expect(status).toBe(413);
    expect(json).toMatchObject({ status: 413, more_info: expect.stringContaining('https://www.twilio.com/docs/errors/') });
  });
});

describe('Messages API: fetch and list', () => {
  it('lists by recipient, newest first, across pages twilio-node follows', async () => {
    const send = sender();
    const other = '+447700900999';
    const first = await send(sms({ body: 'one' }));
    await send(sms({ to: other, body: 'elsewhere' }));
    const second = await send(sms({ body: 'two' }));
    const third = await send(sms({ body: 'three' }));

    const client = createTwilioRestClient(twilioConfig());
    const listed = await client.messages.list({ to: CUSTOMER, pageSize: 2 });
    expect(listed.map((m) => m.sid)).toEqual([third.sid, second.sid, first.sid]);
    expect((await client.messages.list({ from: BUSINESS_NUMBER })).length).toBe(4);
  });

  it('answers an unknown sid with 404 / 20404', async () => {
    const client = createTwilioRestClient(twilioConfig());
    await expect(client.messages('SM00000000000000000000000000000000').fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});

describe('status callbacks', () => {
  it('posts signed sent → delivered callbacks with Twilio’s parameters', async () => {
    const { sid } = await sender()(sms());
    const callbacks = await receiver.waitFor((received) => received.length >= 2);
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const callback of callbacks) {
      expect(callback.signatureValid).toBe(true);
      expect(callback.path).toBe('/status');
      expect(callback.params).toMatchObject({
        MessageSid: sid,
        SmsSid: sid,
        SmsStatus: callback.params.MessageStatus,
        AccountSid: ACCOUNT_SID,
        From: BUSINESS_NUMBER,
        To: CUSTOMER,
        ApiVersion: '2010-04-01',
      });
      expect(callback.params.ErrorCode).toBeUndefined();
      expect(callback.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    expect(callbacks[1]?.params.RawDlrDoneDate).toMatch(/^\d{10}$/);

    const [message] = await emulator.waitForMessages((messages) => messages[0]?.status === 'delivered');
    expect(message?.dateSent).not.toBeNull();
    const fetched = await createTwilioRestClient(twilioConfig()).messages(sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('reports undelivered with ErrorCode 30003 after sent', async () => {
    emulator.setDeliveryOutcome(CUSTOMER, 'undelivered');
    const { sid } = await sender()(sms());
    const callbacks = await receiver.waitFor((received) => received.length >= 2);
    expect(callbacks.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([
      ['sent', undefined],
      ['undelivered', '30003'],
    ]);
    expect(callbacks.every((c) => c.signatureValid)).toBe(true);
    await emulator.waitForMessages((messages) => messages[0]?.status === 'undelivered');
    const fetched = await createTwilioRestClient(twilioConfig()).messages(sid).fetch();
    expect(fetched.errorCode).toBe(30003);
  });

  it('reports failed with ErrorCode 30008 and no sent before it', async () => {
    emulator.setDeliveryOutcome(CUSTOMER, 'failed');
    await sender()(sms());
    const [message] = await emulator.waitForMessages((messages) => messages[0]?.status === 'failed');
    expect(message?.errorCode).toBe(30008);
    expect(receiver.received.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([['failed', '30008']]);
  });

  it('includes MessagingServiceSid when the message used one', async () => {
    await sender({ messagingServiceSid: MESSAGING_SERVICE_SID })(sms());
    const callbacks = await receiver.waitFor((received) => received.length >= 2);
    expect(callbacks.every((c) => c.params.MessagingServiceSid === MESSAGING_SERVICE_SID)).toBe(true);
  });

  it('waits for each callback to be answered before sending the next one', async () => {
    // A slow app: the `sent` callback is answered only after the test lets it go.
    let releaseSent!: () => void;
    const sentHeld = new Promise<void>((resolve) => (releaseSent = resolve));
    const slowReceiver = await startWebhookReceiver(AUTH_TOKEN, (webhook) =>
      webhook.params.MessageStatus === 'sent' ? { before: sentHeld } : {},
    );
    const fast = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbackDelayMs: 0 });
    try {
      const url = await fast.listen(0);
      const config = twilioConfig({ apiBaseUrl: url });
      await createSmsSender(createTwilioRestClient(config), config)(sms({ statusCallback: `${slowReceiver.url}/status` }));
      await slowReceiver.waitFor((received) => received.length === 1);
      // While `sent` is unanswered the emulator still shows the message queued: nothing moved on.
      expect(fast.messages()[0]?.status).toBe('queued');
      releaseSent();
      const [sent, delivered] = await slowReceiver.waitFor((received) => received.length === 2);
      expect(delivered!.receivedAt).toBeGreaterThanOrEqual(sent!.answeredAt!);
    } finally {
      releaseSent();
      await fast.close();
      await slowReceiver.close();
    }
  });

  it('logs a callback that cannot be delivered and still moves the message on', async () => {
    const unreachable = await startWebhookReceiver(AUTH_TOKEN);
    const closedUrl = `${unreachable.url}/status`;
    await unreachable.close();

    await sender()(sms({ statusCallback: closedUrl }));
    await emulator.waitForMessages((messages) => messages[0]?.status === 'delivered');
    const warnings = logLines.filter((line) => line.includes('status callback failed'));
    expect(warnings).toHaveLength(2);
  });

  it('keeps the auth token out of its logs', async () => {
    await sender()(sms());
    await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'hi', url: `${receiver.url}/sms` });
    await emulator.waitForMessages((messages) => messages[0]?.status === 'delivered');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(AUTH_TOKEN);
  });
});

describe('inbound messages', () => {
  it('posts a signed inbound webhook with Twilio’s fields and returns the app’s answer', async () => {
    const url = `${receiver.url}/api/webhooks/twilio/sms?tenant=a b`;
    const result = await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'Hello, is anyone there?', url });
    expect(result).toEqual({
      status: 200,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
      messageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    });
    const [webhook] = await receiver.waitFor((received) => received.length === 1);
    expect(webhook?.signatureValid).toBe(true);
    expect(webhook?.params).toEqual({
      MessageSid: result.messageSid,
      SmsMessageSid: result.messageSid,
      SmsSid: result.messageSid,
      AccountSid: ACCOUNT_SID,
      From: CUSTOMER,
      To: BUSINESS_NUMBER,
      Body: 'Hello, is anyone there?',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
  });

  it('posts to the configured inboundWebhookUrl by default and keeps a given MessageSid', async () => {
    const configured = createTwilioEmulator({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      inboundWebhookUrl: `${receiver.url}/configured`,
    });
    const messageSid = 'SMabcdefabcdefabcdefabcdefabcdefab';
    const result = await configured.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'again', messageSid });
    expect(result.messageSid).toBe(messageSid);
    expect(receiver.received[0]).toMatchObject({ path: '/configured', signatureValid: true });
    await configured.close();
  });

  it('sends media as MediaUrlN / MediaContentTypeN with an MM sid', async () => {
    const mediaUrls = ['https://example.com/photo.png', 'https://example.com/clip.mp4'];
    const result = await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: '', mediaUrls, url: `${receiver.url}/sms` });
    expect(result.messageSid).toMatch(/^MM[0-9a-f]{32}$/);
    expect(receiver.received[0]?.signatureValid).toBe(true);
    expect(receiver.received[0]?.params).toMatchObject({
      NumMedia: '2',
      MediaUrl0: mediaUrls[0],
      MediaContentType0: 'image/png',
      MediaUrl1: mediaUrls[1],
      MediaContentType1: 'video/mp4',
    });
  });

  it('returns the app’s error status instead of throwing', async () => {
    const failing = await startWebhookReceiver(AUTH_TOKEN, () => ({ status: 503, body: 'temporal down', contentType: 'text/plain' }));
    try {
      const result = await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'hi', url: `${failing.url}/sms` });
      expect(result).toMatchObject({ status: 503, body: 'temporal down' });
    } finally {
      await failing.close();
    }
  });

  it('leaves opt-out keywords to the app unless asked to model Twilio’s opt-out handling', async () => {
    await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'STOP', url: `${receiver.url}/sms` });
    expect(receiver.received[0]?.params.OptOutType).toBeUndefined();
    await expect(sender()(sms())).resolves.toMatchObject({ status: 'queued' });
  });

  it('opts the customer out on STOP and back in on START with handleOptOutKeywords', async () => {
    await emulator.close();
    emulator = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, handleOptOutKeywords: true });
    await emulator.listen(0);
    const url = `${receiver.url}/sms`;
    await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: ' stop ', url });
    expect(receiver.received[0]?.params.OptOutType).toBe('STOP');
    expect(await sendError(sender()(sms()))).toMatchObject({ code: 21610, optedOut: true });

    await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'START', url });
    expect(receiver.received[1]?.params.OptOutType).toBe('START');
    await expect(sender()(sms())).resolves.toMatchObject({ status: 'queued' });

    await emulator.sendInbound({ from: CUSTOMER, to: BUSINESS_NUMBER, body: 'please stop texting me', url });
    expect(receiver.received[2]?.params.OptOutType).toBeUndefined();
  });
});

describe('emulator control routes', () => {
  async function control(path: string, init?: { method?: string; json?: unknown; rawBody?: string }) {
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
      method: init?.method ?? (init?.json !== undefined || init?.rawBody !== undefined ? 'POST' : 'GET'),
      headers: { 'Content-Type': 'application/json' },
      body: init?.rawBody ?? (init?.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  it('reports health, messages and inbound traffic', async () => {
    expect(await control('/health')).toEqual({ status: 200, json: { status: 'ok' } });
    await sender()(sms());
    const inbound = await control('/inbound', {
      json: { from: CUSTOMER, to: BUSINESS_NUMBER, body: 'via http', url: `${receiver.url}/sms` },
    });
    expect(inbound).toEqual({ status: 200, json: { messageSid: expect.stringMatching(/^SM/), status: 200 } });
    expect(receiver.received[0]?.signatureValid).toBe(true);

    const listed = await control('/messages');
    expect(listed.json?.messages).toHaveLength(1);
    expect(listed.json?.inbound).toEqual([expect.objectContaining({ body: 'via http', responseStatus: 200 })]);
  });

  it('marks opt-outs over HTTP', async () => {
    expect(await control('/opt-outs', { json: { phoneNumber: CUSTOMER } })).toEqual({ status: 201, json: { optedOut: [CUSTOMER] } });
    expect(await sendError(sender()(sms()))).toMatchObject({ code: 21610 });
  });

  it('sets delivery outcomes and injected failures over HTTP', async () => {
    expect((await control('/delivery-outcomes', { json: { phoneNumber: CUSTOMER, outcome: 'undelivered' } })).status).toBe(204);
    expect((await control('/send-failures', { json: { count: 1, httpStatus: 503 } })).status).toBe(204);
    expect(await sendError(sender()(sms()))).toMatchObject({ httpStatus: 503, retryable: true });
    await sender()(sms());
    await emulator.waitForMessages((messages) => messages[0]?.status === 'undelivered');
  });

  it('rejects malformed and invalid bodies with 400', async () => {
    expect((await control('/opt-outs', { rawBody: '{"phoneNumber":' })).status).toBe(400);
    const invalid = await control('/inbound', { json: { from: 'me', to: BUSINESS_NUMBER, body: 'x' } });
    expect(invalid.status).toBe(400);
    expect(invalid.json?.message).toContain('from');
  });

  it('answers 400 when there is nowhere to post an inbound message', async () => {
    const result = await control('/inbound', { json: { from: CUSTOMER, to: BUSINESS_NUMBER, body: 'x' } });
    expect(result.status).toBe(400);
  });
});

describe('lost status callbacks (for delivery reconciliation)', () => {
  const OTHER_CUSTOMER = '+447700900456';

  it('drops the callbacks of messages to a number, while the message still progresses and the API shows it', async () => {
    const response = await fetch(`${emulator.url}/_emulator/dropped-callbacks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phoneNumber: CUSTOMER }),
    });
    expect(response.status).toBe(204);
    const dropped = await sender()(sms());
    const kept = await sender()(sms({ to: OTHER_CUSTOMER }));
    // A message's stored status moves only after its callback was answered: once both are
    // delivered, any callback of the dropped one would have arrived already.
    await emulator.waitForMessages((messages) => messages.length === 2 && messages.every((m) => m.status === 'delivered'));
    expect(receiver.received.map((c) => c.params.MessageSid)).toEqual([kept.sid, kept.sid]);

    const fetchStatus = createMessageStatusFetcher(createTwilioRestClient(twilioConfig()));
    expect(await fetchStatus(dropped.sid)).toEqual({ status: 'delivered', errorCode: null });
  });

  it('reports an unknown sid as unknown, and a refused question as an error', async () => {
    expect(await createMessageStatusFetcher(createTwilioRestClient(twilioConfig()))('SM00000000000000000000000000000000')).toBeUndefined();
    const wrongToken = createMessageStatusFetcher(createTwilioRestClient(twilioConfig({ authToken: 'wrong' })));
    await expect(wrongToken('SM00000000000000000000000000000000')).rejects.toMatchObject({ httpStatus: 401 });
  });
});

describe('waitForMessages', () => {
  it('rejects when the condition does not hold in time', async () => {
    await expect(emulator.waitForMessages((messages) => messages.length > 0, 50)).rejects.toThrow(/timed out after 50 ms/);
  });
});
