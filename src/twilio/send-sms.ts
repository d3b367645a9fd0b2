// Sending one SMS through Twilio's Messages API and classifying what went wrong, so the caller
// knows whether a retry can help.
import type { TwilioConfig } from '../config/config.ts';
import type { TwilioRestClient } from './rest-client.ts';

export interface OutboundSms {
  to: string;
  /** The business number the conversation runs on; Twilio sends from it. */
  from?: string;
  body: string;
  statusCallback: string;
  mediaUrls?: string[];
}

export interface AcceptedSms {
  sid: string;
  status: string;
  /** Undefined while Twilio does not know yet (a messaging service still choosing a sender). */
  numSegments: number | undefined;
  errorCode: number | null;
}

/** Twilio error codes that mean "this recipient has opted out / cannot be messaged by us". */
export const OPTED_OUT_ERROR_CODE = 21610;

export class TwilioSendError extends Error {
  override name = 'TwilioSendError';
  constructor(
    message: string,
    /** HTTP status, or 0 when no answer arrived (network error, timeout). */
    readonly httpStatus: number,
    /** Twilio's error code (21211, 21610, …) when Twilio gave one. */
    readonly code: number | undefined,
  ) {
    super(message);
  }

  /** 429, 5xx and network failures may succeed later; any other 4xx will not. */
  get retryable(): boolean {
    return this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500;
  }

  get optedOut(): boolean {
    return this.code === OPTED_OUT_ERROR_CODE;
  }
}

export type SendSms = (sms: OutboundSms) => Promise<AcceptedSms>;

export function createSmsSender(client: TwilioRestClient, config: TwilioConfig): SendSms {
  return async (sms) => {
    try {
      const message = await client.messages.create({
        to: sms.to,
        body: sms.body,
        statusCallback: sms.statusCallback,
        ...(sms.mediaUrls?.length ? { mediaUrl: sms.mediaUrls } : {}),
        // With a messaging service, Twilio still sends from `from` when it is in the service's
        // sender pool, so replies leave from the number the customer texted.
        ...(config.messagingServiceSid ? { messagingServiceSid: config.messagingServiceSid } : {}),
        ...(sms.from ?? config.phoneNumber ? { from: sms.from ?? config.phoneNumber } : {}),
      });
      return {
        sid: message.sid,
        status: message.status,
        numSegments: segmentCount(message.numSegments),
        errorCode: message.errorCode ?? null,
      };
    } catch (error) {
      throw toSendError(error);
    }
  };
}

/** Twilio answers "0" while a messaging service has not yet chosen a sender: count unknown. */
function segmentCount(reported: string | undefined): number | undefined {
  const count = Number(reported);
  return Number.isFinite(count) && count > 0 ? count : undefined;
}

export function toSendError(error: unknown): TwilioSendError {
  if (error instanceof TwilioSendError) return error;
  const candidate = error as { status?: unknown; code?: unknown; message?: unknown };
  const httpStatus = typeof candidate.status === 'number' ? candidate.status : 0;
  const code = typeof candidate.code === 'number' ? candidate.code : undefined;
  const message =
    typeof candidate.message === 'string' && candidate.message !== 'Error'
      ? candidate.message
      : `Twilio answered HTTP ${httpStatus || 'nothing'}${code ? ` (error ${code})` : ''}`;
  return new TwilioSendError(message, httpStatus, code);
}

export interface SentSmsQuery {
  to: string;
  from?: string;
  body: string;
  /** Only messages created at or after this moment are considered. */
  since: Date;
}

/** Finds a message Twilio already accepted, to settle a send whose answer never arrived. */
export type FindSentSms = (query: SentSmsQuery) => Promise<AcceptedSms | undefined>;

export function createSentSmsFinder(client: TwilioRestClient): FindSentSms {
  return async (query) => {
    // Twilio filters by whole days only; narrow to the exact moment and body here.
    const day = new Date(Date.UTC(query.since.getUTCFullYear(), query.since.getUTCMonth(), query.since.getUTCDate()));
    try {
      const candidates = await client.messages.list({
        to: query.to,
        ...(query.from ? { from: query.from } : {}),
        dateSentAfter: day,
        limit: 50,
      });
      const match = candidates.find(
        (message) => message.body === query.body && (message.dateCreated ?? new Date(0)).getTime() >= query.since.getTime() - 1000,
      );
      return match
        ? { sid: match.sid, status: match.status, numSegments: segmentCount(match.numSegments), errorCode: match.errorCode ?? null }
        : undefined;
    } catch (error) {
      throw toSendError(error);
    }
  };
}
