// Builds the form Twilio POSTs to a number's webhook when a customer texts it.
import { countSegments } from './count-segments.ts';
import { API_VERSION } from './message-resource.ts';
import type { OptOutType } from './opt-out-keywords.ts';
import { newSid } from './sids.ts';
import type { InboundSmsInput } from './types.ts';

const CONTENT_TYPES: Record<string, string> = {
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  pdf: 'application/pdf',
  vcf: 'text/vcard',
  txt: 'text/plain',
};

export function inboundMessageSid(input: InboundSmsInput): string {
  return input.messageSid ?? newSid(input.mediaUrls?.length ? 'MM' : 'SM');
}

export function inboundWebhookParams(
  input: InboundSmsInput,
  accountSid: string,
  messageSid: string,
  optOutType: OptOutType | undefined,
): Record<string, string> {
  const mediaUrls = input.mediaUrls ?? [];
  // The geographic fields (FromCountry, ToCity, ...) are left out: Twilio sends them only when
  // it knows them, and the emulator has no number database.
  const params: Record<string, string> = {
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    SmsSid: messageSid,
    AccountSid: accountSid,
    From: input.from,
    To: input.to,
    Body: input.body,
    NumMedia: String(mediaUrls.length),
    NumSegments: String(countSegments(input.body)),
    SmsStatus: 'received',
    ApiVersion: API_VERSION,
  };
  if (input.messagingServiceSid) params.MessagingServiceSid = input.messagingServiceSid;
  if (optOutType) params.OptOutType = optOutType;
  mediaUrls.forEach((url, index) => {
    params[`MediaUrl${index}`] = url;
    params[`MediaContentType${index}`] = contentTypeOf(url);
  });
  return params;
}

function contentTypeOf(url: string): string {
  const extension = /\.([a-z0-9]+)(?:$|[?#])/i.exec(url)?.[1]?.toLowerCase();
  return (extension && CONTENT_TYPES[extension]) || 'image/jpeg';
}

export class NoInboundWebhookUrlError extends Error {
  override name = 'NoInboundWebhookUrlError';
  constructor() {
    super('No inbound webhook URL: set inboundWebhookUrl (EMULATOR_INBOUND_WEBHOOK_URL) or pass url');
  }
}
