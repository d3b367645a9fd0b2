// Dashboard figures computed by PostgreSQL with aggregates, so the cost does not grow with
// what would otherwise be loaded into memory. Timestamps are stored as UTC wall-clock times
// (TIMESTAMP(3) without time zone, as Prisma writes them), so window bounds are handed over as
// UTC wall-clock times too, whatever the session's time zone.
import type { Database } from '../../../infra/database.ts';
import { responseTimesSince } from './response-time-stats.ts';
import type { Stats } from './stats-schema.ts';

export const FIRST_RESPONSE_WINDOW_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export function utcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

interface ConversationCounts {
  open: bigint;
  unassigned: bigint;
  needs_attention: bigint;
}

interface MessageCounts {
  inbound: bigint;
  outbound: bigint;
  auto_replies: bigint;
  delivered: bigint;
  not_delivered: bigint;
}

interface FirstResponse {
  median_seconds: number | null;
}

export async function computeStats(db: Database, now = new Date()): Promise<Stats> {
  const todayStartsAt = utcMidnight(now);
  const firstResponseSince = new Date(now.getTime() - FIRST_RESPONSE_WINDOW_DAYS * DAY_MS);
  const today = todayStartsAt.toISOString();
  const since = firstResponseSince.toISOString();

  const [[conversations], [messages], [firstResponse], responseTimes] = await Promise.all([
    db.$queryRaw<ConversationCounts[]>`
      SELECT count(*) FILTER (WHERE status = 'open')                                        AS open,
             count(*) FILTER (WHERE status = 'open' AND assigned_agent_id IS NULL)          AS unassigned,
             count(*) FILTER (WHERE status = 'open' AND needs_attention)                    AS needs_attention
        FROM conversations`,
    db.$queryRaw<MessageCounts[]>`
      SELECT count(*) FILTER (WHERE direction = 'inbound')                                             AS inbound,
             count(*) FILTER (WHERE direction = 'outbound' AND status <> 'refused')                    AS outbound,
             count(*) FILTER (WHERE direction = 'outbound' AND status <> 'refused'
                                AND author = 'auto_response')                                          AS auto_replies,
             count(*) FILTER (WHERE direction = 'outbound' AND status IN ('delivered', 'read'))        AS delivered,
             count(*) FILTER (WHERE direction = 'outbound' AND status IN ('undelivered', 'failed'))    AS not_delivered
        FROM messages
       WHERE created_at >= (${today}::timestamptz AT TIME ZONE 'UTC')`,
    db.$queryRaw<FirstResponse[]>`
      WITH first_inbound AS (
             SELECT conversation_id, min(created_at) AS first_at
               FROM messages
              WHERE direction = 'inbound'
              GROUP BY conversation_id
             HAVING min(created_at) >= (${since}::timestamptz AT TIME ZONE 'UTC')
           ),
           first_reply AS (
             SELECT f.conversation_id,
                    EXTRACT(EPOCH FROM (min(m.created_at) - f.first_at)) AS seconds
               FROM first_inbound f
               JOIN messages m
                 ON m.conversation_id = f.conversation_id
                AND m.direction = 'outbound'
                AND m.author = 'agent'
                AND m.status <> 'refused'
                AND m.created_at >= f.first_at
              GROUP BY f.conversation_id, f.first_at
           )
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::float8 AS median_seconds
        FROM first_reply`,
    responseTimesSince(db, since),
  ]);

  const finished = Number(messages!.delivered) + Number(messages!.not_delivered);
  return {
    conversations: {
      open: Number(conversations!.open),
      unassigned: Number(conversations!.unassigned),
      needsAttention: Number(conversations!.needs_attention),
    },
    messagesToday: { inbound: Number(messages!.inbound), outbound: Number(messages!.outbound) },
    autoRepliesToday: Number(messages!.auto_replies),
    deliverySuccessRate: finished === 0 ? null : Number(messages!.delivered) / finished,
    medianFirstResponseSeconds: firstResponse?.median_seconds ?? null,
    responseTimes,
    window: { todayStartsAt: today, firstResponseSince: since },
  };
}
