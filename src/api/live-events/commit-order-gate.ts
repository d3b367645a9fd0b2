// Releases live events strictly in id order without losing one that commits late.
//
// Ids come from a sequence, which hands them out when a row is inserted, not when its
// transaction commits. Two activities writing at once can commit in the other order: id 11 is
// visible while id 10 is still in flight. Reading "id > last delivered" would move past 10 and
// never deliver it, and a client resuming from 11 would never get it either. So a hole holds
// back every later event until the hole is either filled (the transaction committed) or known
// to stay empty (its transaction rolled back).
//
// "Known to stay empty" comes from the database's snapshot: the hole's id was taken by a
// transaction that was running when the hole was first seen, so it is below that snapshot's
// xmax. Once a later snapshot's xmin has passed that xmax, every such transaction has ended; a
// hole still empty in that same snapshot was rolled back. A short grace period covers a writer
// that took the id before it had a transaction id, and a hard limit keeps one stuck
// transaction from stopping the stream (Prisma's interactive transactions time out at 5 s).

export interface SnapshotBounds {
  /** Every transaction below this id had ended when the rows were read. */
  xmin: bigint;
  /** Every transaction at or above this id started after the rows were read. */
  xmax: bigint;
}

export interface CommitOrderGateOptions {
  /** Minimum time a hole is held, even when the snapshot says its transaction has ended. */
  graceMs: number;
  /** Maximum time a hole is held; then later events go out and the hole is given up. */
  maxWaitMs: number;
}

export interface SkippedRange {
  from: bigint;
  to: bigint;
  /** True when given up at maxWaitMs rather than proven empty. */
  timedOut: boolean;
}

export interface GateResult<T> {
  released: T[];
  skipped: SkippedRange[];
  /** A hole is holding events back: read again soon. */
  waiting: boolean;
}

interface Hole {
  at: bigint;
  since: number;
  horizon: bigint;
}

export class CommitOrderGate {
  private hole: Hole | null = null;

  constructor(
    /** Every id up to and including this one was released or given up. */
    public cursor: bigint,
    private readonly options: CommitOrderGateOptions,
  ) {}

  /** `rows`: the rows with id > cursor, ascending, all read in the snapshot `snapshot`. */
  accept<T extends { seq: bigint }>(rows: readonly T[], snapshot: SnapshotBounds, now: number): GateResult<T> {
    const released: T[] = [];
    const skipped: SkippedRange[] = [];
    let waiting = false;
    for (const row of rows) {
      if (row.seq <= this.cursor) continue;
      if (row.seq !== this.cursor + 1n) {
        const at = this.cursor + 1n;
        if (this.hole?.at !== at) {
          this.hole = { at, since: now, horizon: snapshot.xmax };
          waiting = true;
          break;
        }
        const held = now - this.hole.since;
        const provenEmpty = snapshot.xmin >= this.hole.horizon && held >= this.options.graceMs;
        const timedOut = held >= this.options.maxWaitMs;
        if (!provenEmpty && !timedOut) {
          waiting = true;
          break;
        }
        skipped.push({ from: at, to: row.seq - 1n, timedOut: !provenEmpty });
      }
      released.push(row);
      this.cursor = row.seq;
      this.hole = null;
    }
    // A hole with nothing after it holds nothing back; it is judged afresh when a row follows it.
    if (!waiting) this.hole = null;
    return { released, skipped, waiting };
  }
}
