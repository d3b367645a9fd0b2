// An outbound message as the raw send statements return it, and the columns they ask for.
import { randomUUID } from 'node:crypto';
import { Prisma, type Message } from '../generated/prisma/client.ts';

/** What the send path reads of a stored outbound message. */
export type StoredOutbound = Pick<
  Message,
  'id' | 'conversationId' | 'author' | 'body' | 'status' | 'twilioSid' | 'numSegments' | 'encoding' | 'errorCode' | 'errorMessage' | 'createdAt'
>;

export interface OutboundRow {
  id: string;
  conversation_id: string;
  author: Message['author'];
  body: string;
  status: string;
  twilio_sid: string | null;
  num_segments: number;
  encoding: string | null;
  error_code: number | null;
  error_message: string | null;
  created_at: Date;
}

/** The select list (or RETURNING list) that makes an `OutboundRow`. */
export const OUTBOUND_COLUMNS = Prisma.sql`id, conversation_id, author::text AS author, body, status, twilio_sid, num_segments,
  encoding, error_code, error_message, created_at`;

export function fromOutboundRow(row: OutboundRow): StoredOutbound {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    author: row.author,
    body: row.body,
    status: row.status,
    twilioSid: row.twilio_sid,
    numSegments: row.num_segments,
    encoding: row.encoding,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: row.created_at,
  };
}

/** What a new outbound row is made of (the send activity's input). */
export interface NewOutbound {
  clientRef: string;
  conversationId: string;
  from: string;
  to: string;
  body: string;
  author: Message['author'];
  agentId?: string;
  ruleId?: string;
  mediaUrls?: string[];
}

/** The column list of a new outbound row; `newOutboundValues` is its select list, in order. */
export const NEW_OUTBOUND_COLUMNS = Prisma.sql`(id, client_ref, conversation_id, direction, author, body, body_normalized, status,
  from_number, to_number, agent_id, auto_response_rule_id, num_segments, encoding, media_urls, created_at)`;

/** `status` is an SQL expression: the new row's status. */
export function newOutboundValues(
  input: NewOutbound,
  counted: { segments: number; encoding: string },
  status: Prisma.Sql,
  createdAt: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`${randomUUID()}, ${input.clientRef}::text, ${input.conversationId}::text, 'outbound'::"MessageDirection",
    ${input.author}::"MessageAuthor", ${input.body}::text, false, ${status}, ${input.from}::text, ${input.to}::text,
    ${input.agentId ?? null}::text, ${input.ruleId ?? null}::text, ${counted.segments}::int, ${counted.encoding}::text,
    ${input.mediaUrls ?? []}::text[], ${createdAt}`;
}
