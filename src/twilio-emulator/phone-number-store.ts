// The phone numbers the emulated account owns (Twilio's IncomingPhoneNumbers), with the
// webhook settings a configuration tool sets on them.
import { randomBytes } from 'node:crypto';
import { isE164 } from '../shared/phone-number.ts';
import type { EmulatedPhoneNumber, HttpMethod } from './types.ts';

export interface PhoneNumberPatch {
  friendlyName?: string;
  smsUrl?: string;
  smsMethod?: HttpMethod;
  smsFallbackUrl?: string;
  smsFallbackMethod?: HttpMethod;
  statusCallback?: string;
  statusCallbackMethod?: HttpMethod;
}

/** North American numbers as Twilio shows them by default ("(808) 925-5327"); others as dialled. */
function defaultFriendlyName(phoneNumber: string): string {
  const nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(phoneNumber);
  return nanp ? `(${nanp[1]}) ${nanp[2]}-${nanp[3]}` : phoneNumber;
}

export class PhoneNumberStore {
  private readonly bySid = new Map<string, EmulatedPhoneNumber>();

  constructor(private readonly accountSid: string) {}

  /** Adds the number to the account; adding a number it already owns returns that one. */
  add(phoneNumber: string): EmulatedPhoneNumber {
    if (!isE164(phoneNumber)) throw new Error(`${phoneNumber} is not an E.164 phone number such as +447700900123`);
    const existing = [...this.bySid.values()].find((owned) => owned.phoneNumber === phoneNumber);
    if (existing) return structuredClone(existing);
    const now = new Date().toISOString();
    const created: EmulatedPhoneNumber = {
      sid: `PN${randomBytes(16).toString('hex')}`,
      accountSid: this.accountSid,
      phoneNumber,
      friendlyName: defaultFriendlyName(phoneNumber),
      smsUrl: null,
      smsMethod: 'POST',
      smsFallbackUrl: null,
      smsFallbackMethod: 'POST',
      statusCallback: null,
      statusCallbackMethod: 'POST',
      dateCreated: now,
      dateUpdated: now,
    };
    this.bySid.set(created.sid, created);
    return structuredClone(created);
  }

  get(sid: string): EmulatedPhoneNumber | undefined {
    const found = this.bySid.get(sid);
    return found && structuredClone(found);
  }

  update(sid: string, patch: PhoneNumberPatch): EmulatedPhoneNumber | undefined {
    const found = this.bySid.get(sid);
    if (!found) return undefined;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    // Twilio takes an empty URL as "remove it".
    for (const key of ['smsUrl', 'smsFallbackUrl', 'statusCallback'] as const) {
      if (defined[key] === '') defined[key] = null;
    }
    Object.assign(found, defined, { dateUpdated: new Date().toISOString() });
    return structuredClone(found);
  }

  /** Copies, in the order the numbers were added. */
  all(): EmulatedPhoneNumber[] {
    return structuredClone([...this.bySid.values()]);
  }
}
