// The SQL behind the hub: reading live_events after an id (with the snapshot it was read in),
// the bounded replay history, and pruning. Ids travel as text and are compared as bigint in
// SQL, so no JavaScript number ever holds one. The text form is named `event_id`, never `id`:
// an ORDER BY id would otherwise sort by the output column, as text, and put "10" before "9".
import type { Database } from '../../infra/database.ts';
import type { SnapshotBounds } from './commit-order-gate.ts';
import type { LiveEventRecord } from './live-event-hub.ts';

export interface StoredLiveEvent {
  seq: bigint;
  record: LiveEventRecord;
}

interface LiveEventRow {
  event_id: string;
  type: string;
  conversation_id: string | null;
  message_id: string | null;
  data: unknown;
  created_at: string;
}

function toStored(row: LiveEventRow): StoredLiveEvent {
  const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
  return {
    seq: BigInt(row.event_id),
    record: {
      id: row.event_id,
      type: row.type,
      conversationId: row.conversation_id,
      messageId: row.message_id,
      data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
      createdAt: row.created_at,
    },
  };
}

// created_at is a timestamp without time zone written in UTC (Prisma's convention for DateTime),
// so it is printed as UTC and cutoffs are compared as UTC wall-clock times.
function utcCutoff(maxAgeMs: number, now = Date.now()): string {
  return new Date(now - maxAgeMs).toISOString().replace('Z', '');
}

export interface ReadAfterResult {
  rows: StoredLiveEvent[];
  snapshot: SnapshotBounds;
}

export interface HistoryResult {
  /** Oldest first; at most `limit`, none older than `maxAgeMs`. */
  rows: StoredLiveEvent[];
  /** Some event after `after` (and up to `upTo`) exists or existed but is not in `rows`. */
  truncated: boolean;
  /** `after` is beyond every id the sequence has handed out. */
  unknownId: boolean;
}

export function createLiveEventStore(db: Database) {
  return {
    /** True on the embedded PGlite server, whose NOTIFY never reaches a listening connection. */
    async isPglite(): Promise<boolean> {
      const [row] = await db.$queryRaw<Array<{ version: string }>>`SELECT version() AS version`;
      return /pglite/i.test(row?.version ?? '');
    },

    /** The id the hub starts after: the newest stored event, or the sequence when none is. */
    async newestId(): Promise<bigint> {
      const [row] = await db.$queryRaw<Array<{ id: string }>>`
        SELECT coalesce(
          (SELECT max(id) FROM live_events),
          pg_sequence_last_value(pg_get_serial_sequence('live_events', 'id')::regclass),
          0
        )::text AS id`;
      return BigInt(row?.id ?? '0');
    },

    /**
     * Rows with id > `after`, ascending, and the bounds of the snapshot they were read in (one
     * statement, so both describe the same instant; see commit-order-gate.ts).
     */
    async readAfter(after: bigint, limit: number): Promise<ReadAfterResult> {
      const rows = await db.$queryRaw<Array<LiveEventRow & { xmin: string; xmax: string }>>`
        SELECT s.xmin, s.xmax, e.event_id, e.type, e.conversation_id, e.message_id, e.data, e.created_at
        FROM (
          SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
                 pg_snapshot_xmax(pg_current_snapshot())::text AS xmax
        ) s
        LEFT JOIN LATERAL (
          SELECT id, id::text AS event_id, type, conversation_id, message_id, data,
                 to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
          FROM live_events
          WHERE id > ${after.toString()}::bigint
          ORDER BY id
          LIMIT ${limit}
        ) e ON true
        ORDER BY e.id`;
      const first = rows[0];
      if (!first) throw new Error('the snapshot query returned no row');
      return {
        snapshot: { xmin: BigInt(first.xmin), xmax: BigInt(first.xmax) },
        rows: rows.filter((row) => row.event_id !== null).map(toStored),
      };
    },

    /**
     * The replay for a client resuming after `after`, up to the hub's cursor `upTo`: the newest
     * `limit` events, none older than `maxAgeMs`, and only an unbroken run of them (an event past
     * the retention ends the run, so a replay never skips one in its middle).
     */
    async history(after: bigint, upTo: bigint, options: { limit: number; maxAgeMs: number }): Promise<HistoryResult> {
      const cutoff = utcCutoff(options.maxAgeMs);
      const from = after.toString();
      const to = upTo.toString();
      const newestFirst = await db.$queryRaw<LiveEventRow[]>`
        SELECT id::text AS event_id, type, conversation_id, message_id, data,
               to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
        FROM live_events
        WHERE id > ${from}::bigint AND id <= ${to}::bigint
          AND id > coalesce((
            SELECT max(id) FROM live_events
            WHERE id > ${from}::bigint AND id <= ${to}::bigint AND created_at < ${cutoff}::timestamp
          ), 0)
        ORDER BY live_events.id DESC
        LIMIT ${options.limit}`;
      const rows = newestFirst.reverse().map(toStored);
      const firstKept = rows[0]?.seq ?? upTo + 1n;
      const [bounds] = await db.$queryRaw<Array<{ left_out: boolean; oldest: string | null; allocated: string }>>`
        SELECT
          EXISTS (
            SELECT 1 FROM live_events
            WHERE id > ${from}::bigint AND id < ${firstKept.toString()}::bigint
          ) AS left_out,
          (SELECT min(id) FROM live_events)::text AS oldest,
          coalesce(pg_sequence_last_value(pg_get_serial_sequence('live_events', 'id')::regclass), 0)::text AS allocated`;
      const allocated = BigInt(bounds?.allocated ?? '0');
      const oldest = bounds?.oldest ? BigInt(bounds.oldest) : null;
      // Events that are stored but not replayed (past the retention, or beyond the limit).
      const leftOut = Boolean(bounds?.left_out);
      // Events that were pruned: pruning takes the oldest, so ids between `after` and the oldest
      // stored event (or the cursor, when none is stored up to it) are gone. Ids never committed
      // there look the same and also get a reset: a needless refetch is harmless, a silent gap
      // is not. An `after` at or past the oldest stored event has lost nothing to pruning.
      const keptFrom = oldest !== null && oldest <= upTo ? oldest : upTo + 1n;
      const pruned = after + 1n < keptFrom;
      return {
        rows,
        truncated: leftOut || pruned,
        unknownId: after > allocated,
      };
    },

    /** Deletes up to `batch` events older than `maxAgeMs`; returns how many went. */
    async prune(maxAgeMs: number, batch: number): Promise<number> {
      const cutoff = utcCutoff(maxAgeMs);
      return db.$executeRaw`
        DELETE FROM live_events
        WHERE id IN (
          SELECT id FROM live_events
          WHERE created_at < ${cutoff}::timestamp
          ORDER BY created_at
          LIMIT ${batch}
        )`;
    },
  };
}

export type LiveEventStore = ReturnType<typeof createLiveEventStore>;
