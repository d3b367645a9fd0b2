// `npm run twilio:configure` as an operator runs it: a child process talking to Twilio's
// IncomingPhoneNumbers API (the emulator, through TWILIO_API_BASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwilioEmulator, type TwilioEmulator } from '../twilio-emulator/index.ts';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
import { runNpmScript } from './testing/run-npm-script.ts';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'configure-test-auth-token';
const BUSINESS_NUMBER = '+447488879172';
const OTHER_NUMBER = '+18089255327';
const API_BASE_URL = 'https://sms.example.com';
const SMS_URL = `${API_BASE_URL}/api/webhooks/twilio/sms`;
const STATUS_URL = `${API_BASE_URL}/api/webhooks/twilio/sms/status`;

let emulator: TwilioEmulator;

beforeAll(async () => {
  emulator = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, phoneNumbers: [BUSINESS_NUMBER, OTHER_NUMBER] });
  await emulator.listen(0);
});

afterAll(async () => {
  await emulator?.close();
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
    TWILIO_API_BASE_URL: emulator.url,
    API_BASE_URL,
    ...overrides,
  };
}

const configure = (overrides?: Record<string, string>) => runNpmScript('twilio:configure', [], env(overrides));
const numberOf = (phoneNumber: string) => emulator.phoneNumbers().find((number) => number.phoneNumber === phoneNumber)!;

describe('twilio:configure', () => {
  it('points the number’s SMS webhook and status callback at API_BASE_URL and prints old → new', async () => {
    const other = numberOf(OTHER_NUMBER);
    // Someone set the webhook up by hand with GET on an old host.
    await createTwilioRestClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl: emulator.url })
      .incomingPhoneNumbers(numberOf(BUSINESS_NUMBER).sid)
      .update({ smsUrl: 'https://old.example.com/sms', smsMethod: 'GET' });

    const result = await configure();

    expect(result.exitCode, result.stderr).toBe(0);
    expect(numberOf(BUSINESS_NUMBER)).toMatchObject({
      smsUrl: SMS_URL,
      smsMethod: 'POST',
      statusCallback: STATUS_URL,
      statusCallbackMethod: 'POST',
    });
    expect(numberOf(OTHER_NUMBER)).toEqual(other);
    expect(result.stdout).toContain(`Configured ${BUSINESS_NUMBER} (${numberOf(BUSINESS_NUMBER).sid})`);
    expect(result.stdout).toContain(`SMS webhook (A message comes in): https://old.example.com/sms → ${SMS_URL}`);
    expect(result.stdout).toContain('SMS webhook method: GET → POST');
    expect(result.stdout).toContain(`Status callback: (not set) → ${STATUS_URL}`);
    expect(result.stdout).not.toContain('Status callback method');
    expect(`${result.stdout}${result.stderr}`).not.toContain(AUTH_TOKEN);
  });

  it('changes nothing, and says so, when the number already points here', async () => {
    const before = numberOf(BUSINESS_NUMBER);
    const result = await configure();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/already points at this API \(Twilio API at http:\/\/127\.0\.0\.1:\d+\); nothing changed/);
    expect(numberOf(BUSINESS_NUMBER).dateUpdated).toBe(before.dateUpdated);
  });

  it('fails clearly when the number is not in the account', async () => {
    const result = await configure({ TWILIO_PHONE_NUMBER: '+15005550006' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/\+15005550006 \(TWILIO_PHONE_NUMBER\) is not a number of this Twilio account/);
  });

  it('fails clearly when Twilio refuses the credentials', async () => {
    const result = await configure({ TWILIO_AUTH_TOKEN: 'wrong-token' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Twilio refused the request: HTTP 401, error 20003/);
    expect(result.stderr).not.toContain('wrong-token');
  });

  it.each([
    ['no Twilio credentials', { TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' }, /TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set/],
    ['no phone number', { TWILIO_PHONE_NUMBER: '', TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef' }, /TWILIO_PHONE_NUMBER must be set/],
    ['no API_BASE_URL', { API_BASE_URL: '' }, /API_BASE_URL must be set/],
    ['an invalid variable', { TWILIO_PHONE_NUMBER: '07700 900123' }, /TWILIO_PHONE_NUMBER/],
  ])('exits with 2 for %s', async (_case, overrides, message) => {
    const before = numberOf(BUSINESS_NUMBER);
    const result = await configure(overrides);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage: npm run twilio:configure/);
    expect(numberOf(BUSINESS_NUMBER)).toEqual(before);
  });

  it('warns when API_BASE_URL is not a public HTTPS URL', async () => {
    const result = await configure({ API_BASE_URL: 'http://localhost:3000' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Warning: Twilio must reach http:\/\/localhost:3000 from the internet/);
    expect(numberOf(BUSINESS_NUMBER).smsUrl).toBe('http://localhost:3000/api/webhooks/twilio/sms');
  });
});
