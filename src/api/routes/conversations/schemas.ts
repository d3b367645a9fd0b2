// Request and response schemas shared by the conversation routes. They validate requests and,
// through the route table, describe the API in the OpenAPI document.
import { z } from 'zod';
import { MAX_BODY_CHARACTERS, MAX_SEGMENTS } from '../../../shared/message-limits.ts';
import { E164_PATTERN } from '../../../shared/phone-number.ts';
import { NOT_BLANK, textField } from '../../routing/text-field.ts';
import { cursorField, type CursorKind } from './cursor.ts';

export const MAX_MEDIA_URLS = 10;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const conversationIdParams = z.object({
  id: z.uuid().meta({ description: 'The conversation id' }),
});

/** `limit` and `cursor` of one list; the cursor's pattern is the list's own (cursor.ts). */
export function pageQuery(kind: CursorKind) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({
      description: `Rows per page, 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
    }),
    cursor: cursorField(kind).optional(),
  });
}

/**
 * A message body as agents send it. Its rules (not empty, not only whitespace, at most 1600
 * characters counted as Twilio counts them, at most MAX_SEGMENTS segments) are checked by
 * `checkMessageBody` (message-rules.ts), which answers 400 with a code of its own and the counts,
 * the same refusal the workflow gives. `maxLength` counts code points (JSON Schema's rule), so it
 * is a bound, not the whole rule: an emoji counts 2 towards Twilio's 1600.
 */
export const messageBodyField = z.string().meta({
  description:
    `The text: not only whitespace (400 invalid_message); at most ${MAX_BODY_CHARACTERS} characters as Twilio counts them, ` +
    `UTF-16 code units, so an emoji counts 2 (400 body_too_long); at most ${MAX_SEGMENTS} SMS segments, i.e. 1600 GSM-7 ` +
    'characters or about 737 characters of UCS-2 text such as text with emoji (400 too_many_segments)',
  minLength: 1,
  maxLength: MAX_BODY_CHARACTERS,
  pattern: NOT_BLANK.source,
});

/**
 * The media URLs the document promises to take: https, a host of letters, digits and single
 * hyphens whose last label is letters (so never one WHATWG URL parsing refuses, such as an
 * out-of-range IPv4 or a bad punycode label), an optional port up to 65535, and RFC 3986
 * characters after it. Every URL it matches passes `checkOutboundMediaUrl` (which stays the
 * check: it also takes IP hosts and more); a looser pattern let the contract run send URLs the
 * check refuses.
 */
const URL_TEXT = "(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*";
const PORT = '(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?';
export const HTTPS_URL_PATTERN = new RegExp(
  `^https://(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\\.)+[A-Za-z]+${PORT}(?:/${URL_TEXT})?(?:#${URL_TEXT})?$`,
);

export const mediaUrlsField = z
  .array(z.string().meta({ format: 'uri', pattern: HTTPS_URL_PATTERN.source }))
  .max(MAX_MEDIA_URLS)
  .optional()
  .meta({
    description: `Public https URLs of media to attach (MMS), at most ${MAX_MEDIA_URLS}; any other scheme, or credentials in the URL: 400 invalid_media_url`,
  });

/** A phone number an agent gives; anything but E.164 answers 400 invalid_phone_number. */
export const phoneNumberField = textField({
  pattern: E164_PATTERN,
  patternMessage: 'must be an E.164 phone number, e.g. +447700900123',
  refusal: 'invalid_phone_number',
  description: 'E.164, e.g. +447700900123',
}).meta({ example: '+447700900123' });

const timestamp = z.iso.datetime().meta({ description: 'ISO 8601' });

export const agentRefSchema = z.object({ id: z.string(), name: z.string() });

export const lastMessageSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  author: z.enum(['customer', 'agent', 'auto_response', 'system']),
  body: z.string(),
  status: z.string(),
  createdAt: timestamp,
});

export const conversationSummarySchema = z.object({
  id: z.string(),
  businessNumber: z.string(),
  customerNumber: z.string(),
  status: z.enum(['open', 'closed']),
  assignedAgent: agentRefSchema.nullable(),
  needsAttention: z.boolean(),
  attentionReason: z.string().nullable(),
  slaBreached: z.boolean().meta({ description: "The customer's current wait passed its response-time target (escalated); cleared when the wait ends" }),
  lastActivityAt: timestamp,
  createdAt: timestamp,
  lastMessage: lastMessageSchema.nullable(),
  unreadCount: z.number().int().meta({ description: 'Inbound messages the calling agent has not marked read' }),
  contact: z.object({ id: z.string(), name: z.string().nullable() }).meta({ description: 'The customer (GET /api/contacts/{id} has the rest)' }),
  waitingSince: timestamp.nullable().meta({
    description: "When the customer's oldest text no agent has answered arrived (the first inbound message after the latest agent message); null when the conversation does not need attention",
  }),
});

const timersSchema = z.object({
  waitingSince: timestamp.nullable().meta({ description: "Since when the customer has waited for a person's reply; null: nobody waits" }),
  sla: z.object({
    targetSeconds: z.number().int().nullable().meta({ description: 'The response-time target that applies (first reply or follow-up); null: none' }),
    dueAt: timestamp.nullable().meta({ description: 'When the wait breaches the target, counted in open business hours' }),
    breached: z.boolean(),
  }),
  scheduled: z
    .array(z.object({ messageId: z.string(), sendAt: timestamp, agentId: z.string().nullable() }))
    .meta({ description: 'Messages waiting for their time, soonest first' }),
  autoCloseAt: timestamp.nullable().meta({ description: 'When the conversation closes itself if nothing happens; null: it will not' }),
  businessHours: z
    .object({ open: z.boolean(), nextOpeningAt: timestamp.nullable() })
    .nullable()
    .meta({ description: 'Opening hours now; null when none are configured (always open)' }),
});

export const liveStateSchema = z
  .object({
    workflowId: z.string(),
    status: z.enum(['open', 'closed']),
    assignedAgentId: z.string().nullable(),
    needsAttention: z.boolean(),
    attentionReason: z.string().nullable(),
    optedOut: z.boolean(),
    autoReplies: z.object({
      limit: z.number().int(),
      windowSeconds: z.number().int(),
      sentInWindow: z.number().int(),
      nextAllowedAt: timestamp.nullable(),
    }),
    pendingWork: z.number().int().meta({ description: 'Texts, callbacks and agent actions queued or in progress' }),
    timers: timersSchema.nullable().meta({ description: "The conversation's clocks; null for a run that started before they existed" }),
  })
  .nullable()
  .meta({ description: "The workflow's live state; null when no run of it is running (e.g. closed and idle)" });

export const conversationDetailSchema = conversationSummarySchema.extend({
  closedAt: timestamp.nullable(),
  contact: z.object({
    id: z.string(),
    name: z.string().nullable(),
    phoneNumber: z.string(),
    optedOut: z.boolean(),
    optedOutAt: timestamp.nullable(),
    optOutKeyword: z.string().nullable(),
  }),
  live: liveStateSchema,
});

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  author: z.enum(['customer', 'agent', 'auto_response', 'system']),
  body: z.string(),
  bodyNormalized: z.boolean().meta({
    description: 'The text as Twilio sent it held characters PostgreSQL cannot store (NUL, unpaired surrogates); they were replaced by U+FFFD',
  }),
  status: z.string(),
  errorCode: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  twilioSid: z.string().nullable(),
  numSegments: z.number().int(),
  encoding: z.enum(['GSM-7', 'UCS-2']).nullable(),
  mediaUrls: z.array(z.string()),
  agentId: z.string().nullable(),
  autoResponseRuleId: z.string().nullable(),
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
  statusUpdatedAt: timestamp.nullable(),
  sendAt: timestamp.nullable().meta({ description: 'A scheduled message: when it leaves (status `scheduled` until then)' }),
});

export const conversationEventSchema = z.object({
  id: z.string(),
  type: z.string().meta({ description: 'opened, assigned, unassigned, closed, reopened, flagged, unflagged, attention_cleared, opted_out, opted_in, send_refused, …' }),
  agent: agentRefSchema.nullable().meta({ description: 'The acting agent; null for the customer or the system' }),
  data: z.unknown(),
  createdAt: timestamp,
});

export const nextCursorField = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' });
