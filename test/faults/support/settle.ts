// "The system has settled": every acknowledged text is stored, the emulator has finished every
// delivery, no reply is waiting for a status, no status callback is being redelivered, every
// conversation's workflow reports no pending work, and all of that twice in a row, two seconds
// apart, with nothing changing in between. Bounded; a timeout is reported, not thrown, so the
// checks still say what is wrong.
import type pg from 'pg';
import { stateQuery } from '../../../src/shared/conversation-definitions.ts';
import { conversationWorkflowId } from '../../../src/shared/workflow-id.ts';
import { waitFor } from '../../support/wait-for.ts';
import { BUSINESS_NUMBER, type FaultStack } from './fault-stack.ts';
import { FINAL_STATUSES } from './final-statuses.ts';

const STABLE_FOR_MS = 2_000;
const QUERY_CONCURRENCY = 8;

export interface SettleResult {
  settled: boolean;
  /** Seconds from the end of the load until settled (or until giving up). */
  seconds: number;
  /** Why it had not settled at the last look. */
  lastReason: string;
}

async function inBatches<T, R>(items: readonly T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(run))));
  }
  return results;
}

export async function waitUntilSettled(input: {
  stack: FaultStack;
  db: pg.Client;
  acknowledgedSids: readonly string[];
  customers: readonly string[];
  timeoutMs: number;
}): Promise<SettleResult> {
  const { stack, db } = input;
  const startedAt = Date.now();
  const final = [...FINAL_STATUSES];
  let lastReason = 'not looked yet';
  let previous: { fingerprint: string; at: number } | undefined;

  const probe = async (): Promise<boolean> => {
    const notYet = (reason: string) => {
      lastReason = reason;
      previous = undefined;
      return false;
    };
    if (!stack.callbacks.idle) return notYet('status callbacks are still being redelivered');
    const sent = stack.emulator.messages();
    const delivering = sent.filter((message) => !FINAL_STATUSES.has(message.status)).length;
    if (delivering > 0) return notYet(`the emulator is still delivering ${delivering} message(s)`);
    const { rows } = await db.query<{ inbound: string; outbound: string; open_outbound: string; acked_stored: string; events: string }>(
      `SELECT
         (SELECT count(*) FROM messages WHERE direction = 'inbound') AS inbound,
         (SELECT count(*) FROM messages WHERE direction = 'outbound') AS outbound,
         (SELECT count(*) FROM messages WHERE direction = 'outbound' AND status <> ALL($1::text[])) AS open_outbound,
         (SELECT count(*) FROM messages WHERE direction = 'inbound' AND twilio_sid = ANY($2::text[])) AS acked_stored,
         (SELECT count(*) FROM conversation_events) AS events`,
      [final, input.acknowledgedSids],
    );
    const row = rows[0]!;
    if (Number(row.acked_stored) < input.acknowledgedSids.length) {
      return notYet(`${input.acknowledgedSids.length - Number(row.acked_stored)} acknowledged text(s) not stored yet`);
    }
    if (Number(row.open_outbound) > 0) return notYet(`${row.open_outbound} outbound message(s) not at a final status`);

    const withConversation = await db.query<{ customer_number: string }>(
      'SELECT customer_number FROM conversations WHERE business_number = $1 AND customer_number = ANY($2::text[])',
      [BUSINESS_NUMBER, input.customers],
    );
    const client = await stack.client();
    const pending = await inBatches(withConversation.rows, QUERY_CONCURRENCY, async ({ customer_number: customer }) => {
      const state = await client.workflow.getHandle(conversationWorkflowId(BUSINESS_NUMBER, customer)).query(stateQuery);
      return state.pendingWork > 0 ? customer : undefined;
    });
    const busy = pending.filter(Boolean);
    if (busy.length > 0) return notYet(`${busy.length} conversation(s) still have pending work (${busy.slice(0, 5).join(', ')}…)`);

    const fingerprint = `${row.inbound}/${row.outbound}/${row.events}/${sent.length}/${sent.filter((m) => m.status === 'delivered').length}`;
    if (previous?.fingerprint === fingerprint && Date.now() - previous.at >= STABLE_FOR_MS) return true;
    if (previous?.fingerprint !== fingerprint) previous = { fingerprint, at: Date.now() };
    lastReason = 'waiting for two identical looks in a row';
    return false;
  };

  const guarded = async () => {
    try {
      return await probe();
    } catch (error) {
      lastReason = `a look failed: ${(error as Error).message}`;
      previous = undefined;
      return false;
    }
  };
  try {
    await waitFor('the system to settle', guarded, input.timeoutMs, 500);
    return { settled: true, seconds: (Date.now() - startedAt) / 1000, lastReason: '' };
  } catch (error) {
    return { settled: false, seconds: (Date.now() - startedAt) / 1000, lastReason: `${lastReason} (${(error as Error).message.slice(0, 200)})` };
  }
}
