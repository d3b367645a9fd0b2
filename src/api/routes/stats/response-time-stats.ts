// Response-time figures per UTC day, overall and per agent: SLA attainment and time to first
// response. Read from the `responded` audit events the conversation workflow records when a
// person answers a waiting customer (their wait in open business time, the target that applied,
// whether it was met) and its `sla_breached` events, so the figures say what the clocks said.
import type { Database } from '../../../infra/database.ts';

export interface ResponseFigures {
  responses: number;
  /** Answers given within the target (null when no answered wait had a target). */
  withinTarget: number;
  attainment: number | null;
  medianFirstResponseSeconds: number | null;
}

export interface ResponseTimeDay {
  day: string;
  overall: ResponseFigures & { breaches: number };
  agents: Array<ResponseFigures & { agentId: string; agentName: string | null }>;
}

interface Row {
  day: string;
  agent_id: string | null;
  agent_name: string | null;
  is_overall: boolean;
  responses: bigint;
  with_target: bigint;
  within_target: bigint;
  median_first: number | null;
}

function figuresOf(row: Row): ResponseFigures {
  const withTarget = Number(row.with_target);
  return {
    responses: Number(row.responses),
    withinTarget: Number(row.within_target),
    attainment: withTarget === 0 ? null : Number(row.within_target) / withTarget,
    medianFirstResponseSeconds: row.median_first,
  };
}

/** Days with answers or breaches since `since` (ISO 8601), newest first. */
export async function responseTimesSince(db: Database, since: string): Promise<ResponseTimeDay[]> {
  const [rows, breaches] = await Promise.all([
    db.$queryRaw<Row[]>`
      WITH answered AS (
             SELECT to_char(e.created_at, 'YYYY-MM-DD') AS day,
                    e.agent_id,
                    (e.data->>'withinTarget')              AS within_target,
                    (e.data->>'firstReply') = 'true'       AS first_reply,
                    (e.data->>'waitedSeconds')::float8     AS waited_seconds
               FROM conversation_events e
              WHERE e.type = 'responded'
                AND e.created_at >= (${since}::timestamptz AT TIME ZONE 'UTC')
           )
      SELECT a.day,
             a.agent_id,
             ag.name                                                      AS agent_name,
             GROUPING(a.agent_id) = 1                                     AS is_overall,
             count(*)                                                     AS responses,
             count(*) FILTER (WHERE a.within_target IS NOT NULL)          AS with_target,
             count(*) FILTER (WHERE a.within_target = 'true')             AS within_target,
             (percentile_cont(0.5) WITHIN GROUP (ORDER BY a.waited_seconds)
                FILTER (WHERE a.first_reply))::float8                     AS median_first
        FROM answered a
        LEFT JOIN agents ag ON ag.id = a.agent_id
       GROUP BY GROUPING SETS ((a.day, a.agent_id, ag.name), (a.day))
       ORDER BY a.day DESC, ag.name NULLS LAST`,
    db.$queryRaw<Array<{ day: string; breaches: bigint }>>`
      SELECT to_char(created_at, 'YYYY-MM-DD') AS day, count(*) AS breaches
        FROM conversation_events
       WHERE type = 'sla_breached'
         AND created_at >= (${since}::timestamptz AT TIME ZONE 'UTC')
       GROUP BY 1`,
  ]);
  const breachesOn = new Map(breaches.map((row) => [row.day, Number(row.breaches)]));
  const days = new Map<string, ResponseTimeDay>();
  const dayOf = (day: string): ResponseTimeDay => {
    let entry = days.get(day);
    if (!entry) {
      const none = { responses: 0, withinTarget: 0, attainment: null, medianFirstResponseSeconds: null };
      entry = { day, overall: { ...none, breaches: breachesOn.get(day) ?? 0 }, agents: [] };
      days.set(day, entry);
    }
    return entry;
  };
  for (const row of rows) {
    const entry = dayOf(row.day);
    if (row.is_overall) entry.overall = { ...figuresOf(row), breaches: entry.overall.breaches };
    else if (row.agent_id) entry.agents.push({ agentId: row.agent_id, agentName: row.agent_name, ...figuresOf(row) });
  }
  for (const day of breachesOn.keys()) dayOf(day);
  return [...days.values()].sort((a, b) => b.day.localeCompare(a.day));
}
