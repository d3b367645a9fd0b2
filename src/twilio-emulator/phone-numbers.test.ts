// The emulator's IncomingPhoneNumbers API, driven through twilio-node over real HTTP like the
// project's configuration command drives it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
import { createTwilioEmulator, type TwilioEmulator } from './index.ts';

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'phone-numbers-test-token';
const BUSINESS_NUMBER = '+18089255327';
const OTHER_NUMBER = '+447488879172';
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let emulator: TwilioEmulator;

beforeEach(async () => {
  emulator = createTwilioEmulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, phoneNumbers: [BUSINESS_NUMBER] });
  await emulator.listen(0);
});

afterEach(async () => {
  await emulator.close();
});

const client = (authToken = AUTH_TOKEN) => createTwilioRestClient({ accountSid: ACCOUNT_SID, authToken, apiBaseUrl: emulator.url });

describe('owned numbers', () => {
  it('starts with the numbers it was given and adds more once each', () => {
    expect(emulator.phoneNumbers().map((number) => number.phoneNumber)).toEqual([BUSINESS_NUMBER]);
    const added = emulator.addPhoneNumber(OTHER_NUMBER);
    expect(added.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(emulator.addPhoneNumber(OTHER_NUMBER).sid).toBe(added.sid);
    expect(emulator.phoneNumbers()).toHaveLength(2);
    expect(() => emulator.addPhoneNumber('0808 925 5327')).toThrow(/E\.164/);
  });
});

describe('GET IncomingPhoneNumbers.json', () => {
  it('lists the account’s numbers, filtered by PhoneNumber, in Twilio’s page envelope', async () => {
    emulator.addPhoneNumber(OTHER_NUMBER);
    const all = await client().incomingPhoneNumbers.list();
    expect(all.map((number) => number.phoneNumber)).toEqual([BUSINESS_NUMBER, OTHER_NUMBER]);

    const filtered = await client().incomingPhoneNumbers.list({ phoneNumber: OTHER_NUMBER });
    expect(filtered.map((number) => number.phoneNumber)).toEqual([OTHER_NUMBER]);
    expect((await client().incomingPhoneNumbers.list({ phoneNumber: '+1808*******' })).map((n) => n.phoneNumber)).toEqual([BUSINESS_NUMBER]);
    expect(await client().incomingPhoneNumbers.list({ phoneNumber: '+15005550006' })).toEqual([]);

    const response = await fetch(`${emulator.url}/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers.json?PhoneNumber=%2B18089255327`, {
      headers: { Authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}` },
    });
    const page = await response.json();
    expect(page).toMatchObject({ page: 0, page_size: 50, start: 0, end: 0, next_page_uri: null, previous_page_uri: null });
    expect(page.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/IncomingPhoneNumbers.json?PhoneNumber=%2B18089255327&PageSize=50&Page=0`);
    expect(page.incoming_phone_numbers[0]).toMatchObject({
      account_sid: ACCOUNT_SID,
      phone_number: BUSINESS_NUMBER,
      friendly_name: '(808) 925-5327',
      sid: expect.stringMatching(/^PN[0-9a-f]{32}$/),
      sms_url: '',
      sms_method: 'POST',
      status_callback: '',
      status_callback_method: 'POST',
      capabilities: { sms: true, mms: true, voice: true, fax: false },
      date_created: expect.stringMatching(RFC_2822),
      uri: expect.stringMatching(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/IncomingPhoneNumbers\/PN[0-9a-f]{32}\.json$/),
    });
  });

  it('answers 401 / 20003 to wrong credentials', async () => {
    await expect(client('wrong').incomingPhoneNumbers.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});

describe('POST IncomingPhoneNumbers/{Sid}.json', () => {
  it('sets the SMS webhook and status callback, and the fetched number shows them', async () => {
    const [number] = emulator.phoneNumbers();
    const updated = await client().incomingPhoneNumbers(number!.sid).update({
      smsUrl: 'https://sms.example.com/api/webhooks/twilio/sms',
      smsMethod: 'POST',
      statusCallback: 'https://sms.example.com/api/webhooks/twilio/sms/status',
      statusCallbackMethod: 'GET',
    });
    expect(updated).toMatchObject({
      sid: number!.sid,
      smsUrl: 'https://sms.example.com/api/webhooks/twilio/sms',
      smsMethod: 'POST',
      statusCallback: 'https://sms.example.com/api/webhooks/twilio/sms/status',
      statusCallbackMethod: 'GET',
    });
    const fetched = await client().incomingPhoneNumbers(number!.sid).fetch();
    expect(fetched.smsUrl).toBe('https://sms.example.com/api/webhooks/twilio/sms');
    expect(emulator.phoneNumbers()[0]).toMatchObject({
      smsUrl: 'https://sms.example.com/api/webhooks/twilio/sms',
      statusCallback: 'https://sms.example.com/api/webhooks/twilio/sms/status',
      statusCallbackMethod: 'GET',
    });

    // An empty URL removes it, as on Twilio; parameters not sent stay as they were.
    await client().incomingPhoneNumbers(number!.sid).update({ smsUrl: '' });
    expect(emulator.phoneNumbers()[0]).toMatchObject({ smsUrl: null, statusCallback: 'https://sms.example.com/api/webhooks/twilio/sms/status' });
  });

  it('refuses a bad method or URL with 400 and changes nothing', async () => {
    const [number] = emulator.phoneNumbers();
    await expect(client().incomingPhoneNumbers(number!.sid).update({ smsMethod: 'PUT' })).rejects.toMatchObject({ status: 400 });
    await expect(client().incomingPhoneNumbers(number!.sid).update({ smsUrl: 'not a url' })).rejects.toMatchObject({ status: 400 });
    await expect(client().incomingPhoneNumbers(number!.sid).update({ statusCallback: 'ftp://example.com/x' })).rejects.toMatchObject({ status: 400 });
    expect(emulator.phoneNumbers()[0]).toMatchObject({ smsUrl: null, smsMethod: 'POST', statusCallback: null });
  });

  it('answers 404 / 20404 for a number the account does not own', async () => {
    await expect(
      client().incomingPhoneNumbers(`PN${'0'.repeat(32)}`).update({ smsUrl: 'https://example.com/sms' }),
    ).rejects.toMatchObject({ status: 404, code: 20404 });
  });
});
