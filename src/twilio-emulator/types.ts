// The emulator's public shapes. Kept apart from the implementation so tests, the standalone
// server and the app's own end-to-end tests can depend on them without pulling in Koa.
import type { Logger } from 'pino';
import type { EmulatedMediaInput } from './media-store.ts';

export type { EmulatedMediaInput } from './media-store.ts';

export type DeliveryOutcome = 'delivered' | 'undelivered' | 'failed';

export interface TwilioEmulatorOptions {
  /** AC + 32 hex. */
  accountSid: string;
  /** Used for Basic auth checking and for signing callbacks/webhooks. */
  authToken: string;
  /** App URL that inbound "customer" messages are POSTed to, e.g. http://localhost:3000/api/webhooks/twilio/sms */
  inboundWebhookUrl?: string;
  /** Delay between status callbacks, default 50 ms. */
  statusCallbackDelayMs?: number;
  /**
   * Model Twilio's default opt-out handling: an inbound STOP (STOPALL, UNSUBSCRIBE, CANCEL, END,
   * QUIT, REVOKE, OPTOUT) opts the sender out before the webhook is posted, so later sends to it,
   * including a confirmation the app sends itself, fail with 21610; START (YES, UNSTOP) opts it
   * back in; the webhook carries OptOutType=STOP|START|HELP. Off by default, so an app that sends
   * its own confirmations can be tested without it; turn it on to see what real Twilio would do.
   */
  handleOptOutKeywords?: boolean;
  /** E.164 numbers the emulated account owns (IncomingPhoneNumbers); more with addPhoneNumber(). */
  phoneNumbers?: string[];
  logger?: Logger;
}

export type HttpMethod = 'GET' | 'POST';

/** A number the emulated account owns, with the webhook settings Twilio keeps on it. */
export interface EmulatedPhoneNumber {
  /** PN + 32 hex. */
  sid: string;
  accountSid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string | null;
  smsMethod: HttpMethod;
  smsFallbackUrl: string | null;
  smsFallbackMethod: HttpMethod;
  statusCallback: string | null;
  statusCallbackMethod: HttpMethod;
  /** ISO 8601. */
  dateCreated: string;
  /** ISO 8601, changes with every update. */
  dateUpdated: string;
}

export interface EmulatedMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  status: string;
  numSegments: number;
  statusCallback: string | null;
  /** ISO 8601; the REST resource renders it in RFC 2822 like Twilio. */
  dateCreated: string;
  /** ISO 8601, changes with every status move. */
  dateUpdated: string;
  /** ISO 8601 once the message reached `sent`, else null. */
  dateSent: string | null;
  /** Twilio's error code once delivery ended in `undelivered` (30003) or `failed` (30008). */
  errorCode: number | null;
}

export interface InboundSmsInput {
  from: string;
  to: string;
  body: string;
  mediaUrls?: string[];
  messageSid?: string;
  messagingServiceSid?: string;
  /** Overrides the emulator's inboundWebhookUrl for this one message. */
  url?: string;
}

export interface InboundSmsResult {
  /** HTTP status the app answered with. */
  status: number;
  /** Body the app answered with (TwiML or empty). */
  body: string;
  messageSid: string;
}

export interface TwilioEmulator {
  /** Base URL once listening, e.g. http://127.0.0.1:PORT. */
  readonly url: string;
  /** 0 = random port; resolves the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Everything accepted via the Messages API, in order. */
  messages(): EmulatedMessage[];
  /** Play a customer: POST a correctly signed inbound SMS webhook to inboundWebhookUrl (or `url`). */
  sendInbound(input: InboundSmsInput): Promise<InboundSmsResult>;
  /** The numbers the account owns, in the order they were added. */
  phoneNumbers(): EmulatedPhoneNumber[];
  /** Adds a number to the account (returns the existing one if it is already owned). */
  addPhoneNumber(phoneNumber: string): EmulatedPhoneNumber;
  /** Make Messages API sends to this number fail like Twilio does for an opted-out recipient (21610). */
  markOptedOut(phoneNumber: string): void;
  /** Make delivery to this number end in `undelivered` (30003) or `failed` (30008) instead of `delivered`. */
  setDeliveryOutcome(phoneNumber: string, outcome: DeliveryOutcome): void;
  /** Lose every status callback of messages to this number (they still progress, and the Messages API shows it). */
  dropStatusCallbacks(phoneNumber: string): void;
  /** Make the next n sends answer with this HTTP status (e.g. 500 or 429) to test retries. */
  failNextSends(n: number, httpStatus: number): void;
  /**
   * Serves this media at a Media resource URL of the account (Basic auth, as Twilio with HTTP
   * auth on media) and returns the URL, to pass as an inbound text's mediaUrls.
   */
  addMedia(media: EmulatedMediaInput): string;
  /** A Media resource URL that answers a generated PNG. */
  mediaUrl(): string;
  /** Resolves once the predicate over messages() holds, re-checked whenever a message is accepted or moves status; rejects after timeoutMs. */
  waitForMessages(
    predicate: (messages: EmulatedMessage[]) => boolean,
    timeoutMs?: number,
  ): Promise<EmulatedMessage[]>;
}
