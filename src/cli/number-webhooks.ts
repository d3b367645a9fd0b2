// Points a Twilio number's SMS webhook and status callback at this API, through Twilio's
// IncomingPhoneNumbers API: find the number in the account, compare, update what differs.
import type { TwilioRestClient } from '../twilio/rest-client.ts';
import { CommandFailed } from './cli-run.ts';

export interface NumberWebhookTargets {
  smsUrl: string;
  statusCallback: string;
}

type Field = 'smsUrl' | 'smsMethod' | 'statusCallback' | 'statusCallbackMethod';

export interface NumberWebhookChange {
  field: Field;
  from: string | null;
  to: string;
}

export interface NumberWebhookResult {
  sid: string;
  phoneNumber: string;
  changes: NumberWebhookChange[];
  /** Set when an SMS application handles the number: Twilio then ignores the number's own SMS URL. */
  smsApplicationSid: string | null;
}

export const FIELD_LABELS: Record<Field, string> = {
  smsUrl: 'SMS webhook (A message comes in)',
  smsMethod: 'SMS webhook method',
  statusCallback: 'Status callback',
  statusCallbackMethod: 'Status callback method',
};

export async function configureNumberWebhooks(
  client: TwilioRestClient,
  phoneNumber: string,
  targets: NumberWebhookTargets,
): Promise<NumberWebhookResult> {
  // The PhoneNumber filter also matches partial numbers, so pick the exact one.
  const listed = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 20 });
  const number = listed.find((candidate) => candidate.phoneNumber === phoneNumber);
  if (!number) {
    throw new CommandFailed(
      `${phoneNumber} (TWILIO_PHONE_NUMBER) is not a number of this Twilio account; check the number and TWILIO_ACCOUNT_SID`,
    );
  }

  const wanted: Record<Field, string> = {
    smsUrl: targets.smsUrl,
    smsMethod: 'POST',
    statusCallback: targets.statusCallback,
    statusCallbackMethod: 'POST',
  };
  const current: Record<Field, string | null> = {
    smsUrl: number.smsUrl || null,
    smsMethod: number.smsMethod || null,
    statusCallback: number.statusCallback || null,
    statusCallbackMethod: number.statusCallbackMethod || null,
  };
  const changes = (Object.keys(wanted) as Field[])
    .filter((field) => current[field] !== wanted[field])
    .map((field) => ({ field, from: current[field], to: wanted[field] }));

  if (changes.length > 0) await client.incomingPhoneNumbers(number.sid).update(wanted);
  return { sid: number.sid, phoneNumber, changes, smsApplicationSid: number.smsApplicationSid || null };
}
