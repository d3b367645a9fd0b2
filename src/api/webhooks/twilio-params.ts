// What Twilio posts to our webhooks, validated and turned into the workflow's plain types.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { E164_PATTERN } from '../../shared/phone-number.ts';
import type { InboundMedia, InboundSms, StatusCallbackReport } from '../../shared/conversation-types.ts';
import { TWILIO_OUTBOUND_STATUSES } from '../../shared/message-status.ts';
import { checkInboundMediaUrl, type MediaUrlPolicy } from '../../sms/media-urls.ts';
import { HttpError } from '../http-error.ts';

const phone = z.string().regex(E164_PATTERN, 'must be an E.164 phone number');
const messageSid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message SID');
const count = z.coerce.number().int().min(0).max(100);

export const inboundSchema = z.object({
  MessageSid: messageSid,
  From: phone,
  To: phone,
  Body: z.string().max(10_000).default(''),
  NumMedia: count.default(0),
  NumSegments: count.default(1),
  MessagingServiceSid: z.string().optional(),
  OptOutType: z.enum(['STOP', 'START', 'HELP']).optional(),
});

export const statusSchema = z.object({
  MessageSid: messageSid,
  MessageStatus: z.enum(TWILIO_OUTBOUND_STATUSES),
  From: phone,
  To: phone,
  // Stored in an integer column: a value beyond it could never be recorded (Twilio's are 5 digits).
  ErrorCode: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
});

type Params = Record<string, string>;

function parse<T extends z.ZodType>(schema: T, params: Params): z.infer<T> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const badPhone = result.error.issues.some((issue) => issue.path[0] === 'From' || issue.path[0] === 'To');
  throw new HttpError(400, badPhone ? 'invalid_phone_number' : 'invalid_webhook_parameters', fields.join('; '), {
    fields: result.error.issues.map((issue) => issue.path.join('.')),
  });
}

/** A MediaUrlN the webhook did not keep, and why (for the log; the URL itself is not repeated). */
export interface DroppedMedia {
  index: number;
  reason: string;
}

/**
 * Media URLs as Twilio names them are kept; any other (a `javascript:` URL, plain http, a host
 * that is not Twilio's) is dropped, never stored: see src/sms/media-urls.ts. The text is kept
 * either way — refusing would make Twilio give up on the whole message.
 */
function readMedia(params: Params, count: number, policy: MediaUrlPolicy): { media: InboundMedia[]; dropped: DroppedMedia[] } {
  const media: InboundMedia[] = [];
  const dropped: DroppedMedia[] = [];
  for (let index = 0; index < count; index++) {
    const url = params[`MediaUrl${index}`];
    if (!url) continue;
    const verdict = checkInboundMediaUrl(url, policy);
    if (verdict.ok) media.push({ url: verdict.url, contentType: params[`MediaContentType${index}`] ?? 'application/octet-stream' });
    else dropped.push({ index, reason: verdict.reason });
  }
  return { media, dropped };
}

export function toInboundSms(params: Params, receivedAt = new Date()): InboundSms {
  return parseInboundSms(params, { receivedAt }).sms;
}

export function parseInboundSms(
  params: Params,
  options: { media?: MediaUrlPolicy; receivedAt?: Date } = {},
): { sms: InboundSms; droppedMedia: DroppedMedia[] } {
  const valid = parse(inboundSchema, params);
  const receivedAt = options.receivedAt ?? new Date();
  const { media, dropped } = readMedia(params, valid.NumMedia, options.media ?? {});
  const sms: InboundSms = {
    messageSid: valid.MessageSid,
    from: valid.From,
    to: valid.To,
    body: valid.Body,
    numSegments: valid.NumSegments || 1,
    media,
    ...(valid.MessagingServiceSid ? { messagingServiceSid: valid.MessagingServiceSid } : {}),
    ...(valid.OptOutType ? { optOutType: valid.OptOutType } : {}),
    receivedAt: receivedAt.toISOString(),
  };
  return { sms, droppedMedia: dropped };
}

export function toStatusReport(params: Params, receivedAt = new Date()): StatusCallbackReport & { from: string; to: string } {
  const valid = parse(statusSchema, params);
  return {
    callbackId: randomUUID(),
    messageSid: valid.MessageSid,
    status: valid.MessageStatus,
    ...(valid.ErrorCode !== undefined ? { errorCode: valid.ErrorCode } : {}),
    from: valid.From,
    to: valid.To,
    receivedAt: receivedAt.toISOString(),
    payload: params,
  };
}
