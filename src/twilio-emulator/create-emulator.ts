// Wires the emulator's parts together and owns its HTTP server's lifecycle.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createEmulatorApp } from './app.ts';
import type { InboundRecord } from './control-router.ts';
import { DeliverySimulator } from './delivery-simulator.ts';
import { inboundMessageSid, inboundWebhookParams, NoInboundWebhookUrlError } from './inbound-sms.ts';
import { logSafeUrl } from './log-safe-url.ts';
import { mediaPath } from './media-api-router.ts';
import { solidPng } from './media-png.ts';
import { MediaStore } from './media-store.ts';
import { MessageStore } from './message-store.ts';
import { optOutTypeOf } from './opt-out-keywords.ts';
import { PhoneNumberStore } from './phone-number-store.ts';
import { SendBehaviour } from './send-behaviour.ts';
import { postSignedForm } from './signed-form-post.ts';
import type { InboundSmsInput, InboundSmsResult, TwilioEmulator, TwilioEmulatorOptions } from './types.ts';

const DEFAULT_STATUS_CALLBACK_DELAY_MS = 50;
const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

export function createTwilioEmulator(options: TwilioEmulatorOptions): TwilioEmulator {
  if (!ACCOUNT_SID.test(options.accountSid)) {
    throw new Error('accountSid must look like AC followed by 32 hex digits');
  }
  if (!options.authToken) throw new Error('authToken must not be empty');

  const logger = options.logger ?? pino({ name: 'twilio-emulator', level: 'warn' });
  const { accountSid, authToken } = options;
  const handleOptOutKeywords = options.handleOptOutKeywords ?? false;
  const store = new MessageStore();
  const media = new MediaStore();
  const behaviour = new SendBehaviour();
  const phoneNumbers = new PhoneNumberStore(accountSid);
  for (const phoneNumber of options.phoneNumbers ?? []) phoneNumbers.add(phoneNumber);
  const inbound: InboundRecord[] = [];
  const simulator = new DeliverySimulator({
    store,
    authToken,
    delayMs: options.statusCallbackDelayMs ?? DEFAULT_STATUS_CALLBACK_DELAY_MS,
    logger,
  });
  let server: Server | undefined;
  let baseUrl: string | undefined;

  async function sendInbound(input: InboundSmsInput): Promise<InboundSmsResult> {
    const url = input.url ?? options.inboundWebhookUrl;
    if (!url) throw new NoInboundWebhookUrlError();
    const messageSid = inboundMessageSid(input);
    const optOutType = handleOptOutKeywords ? optOutTypeOf(input.body) : undefined;
    // Twilio records the opt-out before it forwards the message, so a reply the app sends while
    // handling this very webhook is already refused.
    if (optOutType === 'STOP') behaviour.markOptedOut(input.from);
    if (optOutType === 'START') behaviour.markOptedIn(input.from);

    const record: InboundRecord = {
      messageSid,
      from: input.from,
      to: input.to,
      body: input.body,
      mediaUrls: input.mediaUrls ?? [],
      url,
      responseStatus: 0,
      dateCreated: new Date().toISOString(),
    };
    inbound.push(record);
    const params = inboundWebhookParams(input, accountSid, messageSid, optOutType);
    const response = await postSignedForm({ url, params, authToken });
    record.responseStatus = response.status;
    logger.info({ messageSid, url: logSafeUrl(url), httpStatus: response.status }, 'inbound webhook answered');
    return { status: response.status, body: response.body, messageSid };
  }

  const app = createEmulatorApp({
    accountSid,
    authToken,
    store,
    behaviour,
    simulator,
    phoneNumbers,
    media,
    logger,
    inboundLog: () => structuredClone(inbound),
    sendInbound,
  });

  return {
    get url() {
      if (!baseUrl) throw new Error('The Twilio emulator is not listening; call listen() first');
      return baseUrl;
    },

    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('The Twilio emulator is already listening');
      const listening = createServer(app.callback());
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      server = listening;
      const address = listening.address() as AddressInfo;
      baseUrl = `http://${urlHost(address.address)}:${address.port}`;
      logger.info({ url: baseUrl }, 'Twilio emulator listening');
      return baseUrl;
    },

    async close() {
      await simulator.stop();
      const closing = server;
      server = undefined;
      baseUrl = undefined;
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        // Clients such as twilio-node keep connections alive; idle ones would hold close() open.
        closing.closeIdleConnections();
      });
    },

    messages: () => store.all(),
    sendInbound,
    phoneNumbers: () => phoneNumbers.all(),
    addPhoneNumber: (phoneNumber) => phoneNumbers.add(phoneNumber),
    markOptedOut: (phoneNumber) => behaviour.markOptedOut(phoneNumber),
    setDeliveryOutcome: (phoneNumber, outcome) => behaviour.setDeliveryOutcome(phoneNumber, outcome),
    dropStatusCallbacks: (phoneNumber) => behaviour.dropStatusCallbacks(phoneNumber),
    failNextSends: (n, httpStatus) => behaviour.failNextSends(n, httpStatus),
    waitForMessages: (predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) => store.waitFor(predicate, timeoutMs),
    addMedia(input) {
      if (!baseUrl) throw new Error('The Twilio emulator is not listening; call listen() first');
      const { messageSid, mediaSid } = media.add(input);
      return baseUrl + mediaPath(accountSid, messageSid, mediaSid);
    },
    mediaUrl() {
      if (!baseUrl) throw new Error('The Twilio emulator is not listening; call listen() first');
      const { messageSid, mediaSid } = media.add({ contentType: 'image/png', body: solidPng() });
      return baseUrl + mediaPath(accountSid, messageSid, mediaSid);
    },
  };
}

/** A URL other processes can use: wildcard binds are reached through loopback. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
