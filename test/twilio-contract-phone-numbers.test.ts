// Proves `npm run twilio:configure` sends IncomingPhoneNumbers requests Twilio's API accepts:
// the command runs against Prism serving Twilio's official OpenAPI description, which answers
// any request that breaks the contract with an error (so the command would fail). The same
// command against the emulator is tested in src/cli/configure-twilio-number.test.ts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNpmScript } from '../src/cli/testing/run-npm-script.ts';
import { createTwilioRestClient } from '../src/twilio/rest-client.ts';
import { startPrismMock, type PrismMock } from './twilio-contract/prism-mock.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPEC = path.join(ROOT, 'contracts/twilio/twilio_api_v2010.json');
const PRISM_BIN = path.join(ROOT, 'node_modules/.bin/prism');
const PRISM_START_TIMEOUT_MS = 60_000;

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'contract-test-auth-token';
// Prism answers with the spec's examples; the list example holds this number (sid PNaaaa…).
const EXAMPLE_NUMBER = '+18089255327';
const EXAMPLE_SID = `PN${'a'.repeat(32)}`;

const PHONE_NUMBER_PATHS = [
  '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json',
  '/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json',
];

/**
 * With --errors Prism also checks the answers it makes up from the spec's examples, and Twilio's
 * IncomingPhoneNumber examples break Twilio's own response schema: empty strings where a SID
 * pattern or a URI is required, relative page URIs where `format: uri` wants absolute ones
 * (the real API answers like the examples). Prism would answer 500 to every request. This
 * makes those examples conform (empty → null, which the schema allows; relative page URIs made
 * absolute), touching no request schema: requests are checked exactly as Twilio describes them.
 */
function withConformingPhoneNumberExamples<T>(spec: T): T {
  const paths = (spec as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }> }>> }).paths;
  const conform = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => conform(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([childKey, child]) => [childKey, conform(child, childKey)]));
    }
    if (value === '') return null;
    if (typeof value === 'string' && key?.endsWith('uri') && value.startsWith('/')) return `https://api.twilio.com${value}`;
    return value;
  };
  for (const pathKey of PHONE_NUMBER_PATHS) {
    for (const operation of Object.values(paths[pathKey] ?? {})) {
      for (const response of Object.values(operation?.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) {
          for (const example of Object.values(media.examples ?? {})) example.value = conform(example.value);
        }
      }
    }
  }
  return spec;
}

let prism: PrismMock;
let specDir: string;

beforeAll(async () => {
  specDir = await mkdtemp(path.join(os.tmpdir(), 'twilio-phone-numbers-spec-'));
  const specPath = path.join(specDir, path.basename(SPEC));
  await writeFile(specPath, JSON.stringify(withConformingPhoneNumberExamples(JSON.parse(await readFile(SPEC, 'utf8')))));
  prism = await startPrismMock({ prismBin: PRISM_BIN, specPath, cwd: ROOT, startTimeoutMs: PRISM_START_TIMEOUT_MS });
}, PRISM_START_TIMEOUT_MS + 10_000);

afterAll(async () => {
  await prism?.stop();
  if (specDir) await rm(specDir, { recursive: true, force: true });
});

describe('twilio:configure against Twilio’s OpenAPI contract', () => {
  it('lists and updates the number with requests the contract accepts', async () => {
    const result = await runNpmScript('twilio:configure', [], {
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_PHONE_NUMBER: EXAMPLE_NUMBER,
      TWILIO_API_BASE_URL: prism.url,
      API_BASE_URL: 'https://sms.example.com',
    });

    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    // The example number has no SMS URL, so the command found it (list) and changed it (update).
    expect(result.stdout).toContain(`Configured ${EXAMPLE_NUMBER} (${EXAMPLE_SID})`);
    expect(result.stdout).toContain('SMS webhook (A message comes in): (not set) → https://sms.example.com/api/webhooks/twilio/sms');
    expect(result.stdout).toContain('Status callback: (not set) → https://sms.example.com/api/webhooks/twilio/sms/status');
  });

  it('has teeth: Prism refuses an update that breaks the contract', async () => {
    const client = createTwilioRestClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: prism.url });
    await expect(client.incomingPhoneNumbers(EXAMPLE_SID).update({ smsMethod: 'PUT' })).rejects.toMatchObject({ status: 422 });
    await expect(client.incomingPhoneNumbers('PN-not-a-sid').update({ smsUrl: 'https://sms.example.com/x' })).rejects.toMatchObject({ status: 422 });
    await expect(client.incomingPhoneNumbers(EXAMPLE_SID).update({ smsUrl: 'https://sms.example.com/api/webhooks/twilio/sms' })).resolves.toMatchObject({
      sid: EXAMPLE_SID,
    });
  });
});
