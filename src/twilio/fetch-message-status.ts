// Asking Twilio where one message stands (GET …/Messages/{Sid}.json), for delivery
// reconciliation: the answer a lost status callback would have carried.
import type { TwilioRestClient } from './rest-client.ts';
import { toSendError } from './send-sms.ts';

export interface TwilioMessageStatus {
  status: string;
  errorCode: number | null;
}

/** Twilio's answer, or `undefined` when Twilio does not know the SID (HTTP 404, error 20404). */
export type FetchMessageStatus = (messageSid: string) => Promise<TwilioMessageStatus | undefined>;

export function createMessageStatusFetcher(client: TwilioRestClient): FetchMessageStatus {
  return async (messageSid) => {
    try {
      const message = await client.messages(messageSid).fetch();
      return { status: message.status, errorCode: message.errorCode ?? null };
    } catch (error) {
      const classified = toSendError(error);
      // Only "not found" means "unknown"; anything else (401, 429, 5xx, network) is a failed
      // question, not an answer, and must not fail the message.
      if (classified.httpStatus === 404) return undefined;
      throw classified;
    }
  };
}
