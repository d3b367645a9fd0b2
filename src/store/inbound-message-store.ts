// Storing an inbound text: the contact and conversation found or created, the message stored
// once by its MessageSid, a closed conversation reopened, the live events written and NOTIFYed,
// and the active auto-response rules read — all in one autocommitted statement. It runs once per
// text; as an interactive transaction it cost eleven round trips or more.
import { randomUUID } from 'node:crypto';
import type { Database } from '../infra/database.ts';
import type { AutoResponseRuleSnapshot, InboundSms } from '../shared/conversation-types.ts';
import { notifyEachSql } from './live-event-publisher.ts';
import { utcTimestamp } from './utc-timestamp.ts';

export interface StoredInbound {
  conversationId: string;
  /** This statement stored the message (false: its SID, or its receipt, was stored before). */
  inserted: boolean;
  /** The row already stored under the SID before this statement, if one was visible to it. */
  earlier: { clientRef: string | null; senderOptedOut: boolean | null } | undefined;
  /** The customer's opt-out state before this text. */
  contactOptedOut: boolean;
  /** Active rules, highest priority first. */
  rules: AutoResponseRuleSnapshot[];
}

interface Row {
  conversation_id: string;
  inserted: boolean;
  earlier_found: boolean;
  earlier_client_ref: string | null;
  earlier_sender_opted_out: boolean | null;
  contact_opted_out: boolean;
  rules: Array<Omit<AutoResponseRuleSnapshot, 'trigger'> & { trigger: string }>;
}

/**
 * Why it is safe as one statement:
 * - every sub-statement sees the same snapshot, so "found" and "created" are exclusive; a
 *   contact or conversation created by someone else meanwhile makes its INSERT fail on the
 *   unique key, as Prisma's find-then-create did (the activity is retried);
 * - rows inserted by sibling sub-statements satisfy the foreign keys (checked at its end);
 * - the message INSERT is ON CONFLICT DO NOTHING: the database's guarantee of "stored once";
 *   `earlier` is read from the snapshot, so a row committed by another session while this
 *   statement ran is not in it (the caller then reads it again).
 * Ids are chosen here, as Prisma chose them (uuid v4).
 */
export async function storeInbound(
  db: Database,
  input: { businessNumber: string; customerNumber: string; workflowId: string; sms: InboundSms; receiptRef?: string },
): Promise<StoredInbound> {
  const { sms, businessNumber, customerNumber } = input;
  const now = utcTimestamp(new Date());
  const receivedAt = utcTimestamp(new Date(sms.receivedAt));
  const newConversationId = randomUUID();
  const numbers = JSON.stringify({ customerNumber, businessNumber });
  const reopenedBy = JSON.stringify({ by: 'customer' });
  const [row] = await db.$queryRaw<Row[]>`
    WITH known_contact AS (
      SELECT id, opted_out FROM contacts WHERE phone_number = ${customerNumber}
    ), new_contact AS (
      INSERT INTO contacts (id, phone_number, opted_out, created_at, updated_at)
      SELECT ${randomUUID()}, ${customerNumber}, false, ${now}, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM known_contact)
      RETURNING id, opted_out
    ), contact AS (
      SELECT id, opted_out FROM known_contact UNION ALL SELECT id, opted_out FROM new_contact
    ), known_conversation AS (
      SELECT id, status FROM conversations
      WHERE business_number = ${businessNumber} AND customer_number = ${customerNumber}
    ), conversation AS (
      SELECT coalesce((SELECT id FROM known_conversation), ${newConversationId}) AS id,
             coalesce((SELECT status = 'closed' FROM known_conversation), false) AS was_closed
    ), earlier AS (
      SELECT client_ref, sender_opted_out FROM messages WHERE twilio_sid = ${sms.messageSid}
    ), message AS (
      INSERT INTO messages (id, conversation_id, direction, author, body, body_normalized, sender_opted_out,
                            twilio_sid, client_ref, status, from_number, to_number, num_segments, media_urls,
                            created_at, status_updated_at)
      SELECT ${randomUUID()}, conversation.id, 'inbound'::"MessageDirection", 'customer'::"MessageAuthor",
             ${sms.body}::text, ${sms.bodyNormalized ?? false}::boolean, (SELECT opted_out FROM contact),
             ${sms.messageSid}::text, ${input.receiptRef ?? null}::text, 'received', ${sms.from}::text, ${sms.to}::text,
             ${sms.numSegments}::int, ${sms.media.map((media) => media.url)}::text[], ${receivedAt}, ${receivedAt}
      FROM conversation
      ON CONFLICT DO NOTHING
      RETURNING id, conversation_id
    ), new_conversation AS (
      INSERT INTO conversations (id, business_number, customer_number, contact_id, workflow_id, status,
                                 needs_attention, sla_breached, last_activity_at, created_at, updated_at)
      SELECT ${newConversationId}, ${businessNumber}, ${customerNumber}, (SELECT id FROM contact), ${input.workflowId},
             'open'::"ConversationStatus", false, false,
             CASE WHEN EXISTS (SELECT 1 FROM message) THEN ${receivedAt} ELSE ${now} END, ${now}, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM known_conversation)
      RETURNING id
    ), reopening AS (
      -- A new text on a closed conversation reopens it.
      SELECT c.id FROM conversation c WHERE c.was_closed AND EXISTS (SELECT 1 FROM message)
    ), touched AS (
      -- (Written whether or not the main query reads it, as every data-modifying sub-statement.)
      UPDATE conversations c
      SET last_activity_at = ${receivedAt}, updated_at = ${now},
          status = CASE WHEN k.status = 'closed' THEN 'open'::"ConversationStatus" ELSE c.status END,
          closed_at = CASE WHEN k.status = 'closed' THEN NULL ELSE c.closed_at END
      FROM known_conversation k
      WHERE c.id = k.id AND EXISTS (SELECT 1 FROM message)
      RETURNING c.id
    ), audit AS (
      INSERT INTO conversation_events (id, conversation_id, type, data, created_at)
      SELECT ${randomUUID()}, id, 'opened', '{}'::jsonb, ${now} FROM new_conversation
      UNION ALL
      SELECT ${randomUUID()}, id, 'reopened', ${reopenedBy}::jsonb, ${now} FROM reopening
      RETURNING id
    ), events AS (
      INSERT INTO live_events (type, conversation_id, message_id, data, created_at)
      SELECT type, conversation_id, message_id, data, ${now}
      FROM (
        SELECT 1 AS ord, 'conversation.opened' AS type, id AS conversation_id, NULL::text AS message_id, ${numbers}::jsonb AS data
        FROM new_conversation
        UNION ALL
        SELECT 2, 'message.received', conversation_id, id, ${numbers}::jsonb FROM message
        UNION ALL
        SELECT 3, 'conversation.reopened', id, NULL, ${reopenedBy}::jsonb FROM reopening
      ) e
      ORDER BY ord
      RETURNING id
    )
    SELECT (SELECT id FROM conversation) AS conversation_id,
           EXISTS (SELECT 1 FROM message) AS inserted,
           EXISTS (SELECT 1 FROM earlier) AS earlier_found,
           (SELECT client_ref FROM earlier) AS earlier_client_ref,
           (SELECT sender_opted_out FROM earlier) AS earlier_sender_opted_out,
           (SELECT opted_out FROM contact) AS contact_opted_out,
           (SELECT coalesce(json_agg(json_build_object(
                     'id', id, 'name', name, 'keywords', keywords, 'response', response, 'priority', priority,
                     'flagsAgent', flags_agent, 'optsOut', opts_out, 'trigger', "trigger") ORDER BY priority), '[]'::json)
            FROM auto_response_rules WHERE active) AS rules,
           ${notifyEachSql('events')} AS notified`;
  if (!row) throw new Error('storing an inbound text returned no row');
  return {
    conversationId: row.conversation_id,
    inserted: row.inserted,
    earlier: row.earlier_found ? { clientRef: row.earlier_client_ref, senderOptedOut: row.earlier_sender_opted_out } : undefined,
    contactOptedOut: row.contact_opted_out,
    rules: row.rules.map(({ id, name, keywords, response, priority, flagsAgent, optsOut, trigger }) => ({
      id,
      name,
      keywords,
      response,
      priority,
      flagsAgent,
      optsOut,
      trigger: trigger === 'after_hours' ? 'after_hours' : 'keyword',
    })),
  };
}
