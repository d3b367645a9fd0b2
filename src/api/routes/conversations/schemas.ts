// Request and response schemas shared by the conversation routes. They validate requests and,
// through the route table, describe the API in the OpenAPI document.
import { z } from 'zod';

/** Twilio's limit for one message body, in characters (the workflow enforces the same). */
export const MAX_BODY_CHARACTERS = 1600;
export const MAX_MEDIA_URLS = 10;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export const conversationIdParams = z.object({
  id: z.uuid().meta({ description: 'The conversation id' }),
});

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).meta({
    description: `Rows per page, 1..${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
  }),
  cursor: z.string().max(512).optional().meta({ description: 'The `nextCursor` of the previous page' }),
});

/**
 * A message body as agents send it. Its rules (not empty, not only whitespace, at most 1600
 * characters counted as Twilio counts them) are checked by `checkMessageBody`, which answers
 * 400 invalid_message, the same refusal the workflow gives.
 */
export const messageBodyField = z.string().meta({
  description: `The text, 1..${MAX_BODY_CHARACTERS} characters and not only whitespace (400 invalid_message otherwise)`,
  minLength: 1,
  maxLength: MAX_BODY_CHARACTERS,
});

export const mediaUrlsField = z
  .array(z.url({ protocol: /^https?$/ }))
  .max(MAX_MEDIA_URLS)
  .optional()
  .meta({ description: `Public http(s) URLs of media to attach (MMS), at most ${MAX_MEDIA_URLS}` });

/** Phone numbers are checked by the handler, which answers 400 invalid_phone_number. */
export const phoneNumberField = z.string().meta({ description: 'E.164, e.g. +447700900123', example: '+447700900123' });

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
  lastActivityAt: timestamp,
  createdAt: timestamp,
  lastMessage: lastMessageSchema.nullable(),
  unreadCount: z.number().int().meta({ description: 'Inbound messages the calling agent has not marked read' }),
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
  })
  .nullable()
  .meta({ description: "The workflow's live state; null when no run of it is running (e.g. closed and idle)" });

export const conversationDetailSchema = conversationSummarySchema.extend({
  closedAt: timestamp.nullable(),
  contact: z.object({
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
});

export const conversationEventSchema = z.object({
  id: z.string(),
  type: z.string().meta({ description: 'opened, assigned, unassigned, closed, reopened, flagged, unflagged, attention_cleared, opted_out, opted_in, send_refused, …' }),
  agent: agentRefSchema.nullable().meta({ description: 'The acting agent; null for the customer or the system' }),
  data: z.unknown(),
  createdAt: timestamp,
});

export const nextCursorField = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' });
