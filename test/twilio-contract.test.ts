// Proves the project's outbound Twilio requests are what Twilio's API accepts: the same sends go
// to Prism serving Twilio's official OpenAPI description (which rejects anything that breaks the
// contract) and to the local emulator (which must accept whatever the contract accepts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwilioConfig } from '../src/config/config.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../src/twilio-emulator/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../src/twilio-emulator/testing/webhook-receiver.ts';
import { createTwilioRestClient } from '../src/twilio/rest-client.ts';
import { createSmsSender, type OutboundSms } from '../src/twilio/send-sms.ts';
import { startPrismMock, withExplicitFormArrayEncoding, type PrismMock } from './twilio-contract/prism-mock.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPEC = path.join(ROOT, 'contracts/twilio/twilio_api_v2010.json');
const PRISM_BIN = path.join(ROOT, 'node_modules/.bin/prism');
// Prism parses the 1.8 MB spec before it listens; a loaded CI machine can take a while.
const PRISM_START_TIMEOUT_MS = 60_000;

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'contract-test-auth-token';
const BUSINESS_NUMBER = '+447488879172';
const CUSTOMER = '+447700900123';
const MESSAGING_SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';

interface Scenario {
  name: string;
  config: Partial<TwilioConfig>;
  sms: Omit<OutboundSms, 'statusCallback'>;
}

const scenarios: Scenario[] = [
  {
    name: 'From only',
    config: { phoneNumber: BUSINESS_NUMBER },
    sms: { to: CUSTOMER, body: 'Your agent will be with you shortly.' },
  },
  {
    name: 'MessagingServiceSid and From',
    config: { phoneNumber: BUSINESS_NUMBER, messagingServiceSid: MESSAGING_SERVICE_SID },
    sms: { to: CUSTOMER, from: BUSINESS_NUMBER, body: 'Replying from the number you texted 👋' },
  },
  {
    name: 'media URLs',
    config: { phoneNumber: BUSINESS_NUMBER },
    sms: {
      to: CUSTOMER,
      body: 'Here is the form you asked for.',
      mediaUrls: ['https://example.com/forms/claim.pdf', 'https://example.com/img/map.png'],
    },
  },
];

let prism: PrismMock;
let prismStartMs: number;
let emulator: TwilioEmulator;
let statusReceiver: WebhookReceiver;

beforeAll(async () => {
  const started = performance.now();
  [prism, statusReceiver] = await Promise.all([
    startPrismMock({ prismBin: PRISM_BIN, specPath: SPEC, cwd: ROOT, startTimeoutMs: PRISM_START_TIMEOUT_MS }),
    startWebhookReceiver(AUTH_TOKEN),
  ]);
  prismStartMs = Math.round(performance.now() - started);
  emulator = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbackDelayMs: 1 });
  await emulator.listen(0);
}, PRISM_START_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await Promise.allSettled([prism?.stop(), emulator?.close(), statusReceiver?.close()]);
});

function send(apiBaseUrl: string, scenario: Scenario) {
  const config: TwilioConfig = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl, ...scenario.config };
  const sendSms = createSmsSender(createTwilioRestClient(config), config);
  return sendSms({ ...scenario.sms, statusCallback: `${statusReceiver.url}/api/webhooks/twilio/sms/status` });
}

/** A create request twilio-node would never build, to prove a server rejects it. */
function postWithoutTo(apiBaseUrl: string) {
  return fetch(`${apiBaseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    },
    body: new URLSearchParams({ From: BUSINESS_NUMBER, Body: 'no recipient' }).toString(),
  });
}

describe("Twilio's OpenAPI contract (Prism)", () => {
  it("starts Prism on Twilio's spec", () => {
    expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    console.info(`Prism ready after ${prismStartMs} ms`);
  });

  it.each(scenarios)('accepts the project’s send with $name', async (scenario) => {
    const accepted = await send(prism.url, scenario);
    expect(accepted.sid).toMatch(/^(SM|MM)[0-9a-fA-F]{32}$/);
    expect(accepted.status).toBeTypeOf('string');
  });

  it('rejects a request that breaks the contract (negative control)', async () => {
    const response = await postWithoutTo(prism.url);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).toContain("required property 'To'");
  });

  it('rejects the project’s own send when a field it sets breaks the contract', async () => {
    const broken = { ...scenarios[1]!, config: { ...scenarios[1]!.config, messagingServiceSid: 'MG-not-a-sid' } };
    await expect(send(prism.url, broken)).rejects.toMatchObject({ httpStatus: 422, retryable: false });
  });
});

describe('the Prism spec copy', () => {
  it('only spells out the default form encoding for array properties', async () => {
    const spec = JSON.parse(await readFile(SPEC, 'utf8'));
    const createMessage = () =>
      spec.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json'].post.requestBody.content['application/x-www-form-urlencoded'];
    const before = structuredClone(createMessage());
    withExplicitFormArrayEncoding(spec);
    const { encoding, ...rest } = createMessage();
    expect(rest).toEqual(before);
    expect(encoding).toMatchObject({ MediaUrl: { style: 'form', explode: true } });
    expect(Object.keys(encoding).every((name) => before.schema.properties[name].type === 'array')).toBe(true);
  });
});

describe('the emulator accepts what the contract accepts', () => {
  it.each(scenarios)('accepts the same send with $name', async (scenario) => {
    const accepted = await send(emulator.url, scenario);
    expect(accepted.sid).toMatch(/^(SM|MM)[0-9a-f]{32}$/);
    const stored = emulator.messages().find((message) => message.sid === accepted.sid);
    expect(stored).toMatchObject({
      to: scenario.sms.to,
      from: scenario.sms.from ?? scenario.config.phoneNumber ?? null,
      messagingServiceSid: scenario.config.messagingServiceSid ?? null,
      body: scenario.sms.body,
      mediaUrls: scenario.sms.mediaUrls ?? [],
    });
  });

  it('rejects the negative controls too', async () => {
    const response = await postWithoutTo(emulator.url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 21604 });

    const broken = { ...scenarios[1]!, config: { ...scenarios[1]!.config, messagingServiceSid: 'MG-not-a-sid' } };
    await expect(send(emulator.url, broken)).rejects.toMatchObject({ httpStatus: 400, code: 21701, retryable: false });
  });
});
