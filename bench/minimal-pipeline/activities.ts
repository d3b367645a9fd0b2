// The minimal pipeline's two local activities, through the app's own Prisma client (so the same
// database and pool as the product) and a twilio-node client on the same Twilio emulator.
// Both are idempotent on the MessageSid, which a local activity's at-least-once run needs.
import type { Database } from '../../src/infra/database.ts';
import type { TwilioRestClient } from '../../src/twilio/rest-client.ts';
import type { MinimalStatus, MinimalText } from './messages.ts';

export const MINIMAL_TEXT_TABLE = 'bench_minimal_text';
export const MINIMAL_STATUS_TABLE = 'bench_minimal_status';

/** The trivial keyword rule: the bench's text ("documents please") always gets `reply`. */
export function pickReply(body: string, reply: string): string | null {
  return /\bdocuments?\b/i.test(body) ? reply : null;
}

/**
 * The reply the product sends to "documents please" (the seeded Documents rule's text), read once
 * at start: the same body costs the emulator (and Twilio's segment count) the same on both sides —
 * a 137-character reply takes the emulator's segment calculator ≈ 4× as long as a 47-character one.
 */
export async function productDocumentsReply(db: Database): Promise<string> {
  const rows = await db.$queryRawUnsafe<Array<{ response: string }>>(
    `SELECT response FROM auto_response_rules WHERE active AND 'documents' = ANY(keywords) ORDER BY priority LIMIT 1`,
  );
  const reply = rows[0]?.response;
  if (!reply) throw new Error('no active auto-response rule answers "documents": the benchmark needs the seeded Documents rule');
  return reply;
}

export interface MinimalDependencies {
  db: Database;
  twilio: TwilioRestClient;
  statusCallbackUrl: string;
  /** What it answers "documents" with (see productDocumentsReply). */
  replyBody: string;
}

export async function createMinimalTables(db: Database): Promise<void> {
  await db.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS ${MINIMAL_TEXT_TABLE} (message_sid text PRIMARY KEY, customer text NOT NULL, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
  );
  await db.$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS ${MINIMAL_STATUS_TABLE} (message_sid text NOT NULL, status text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (message_sid, status))`,
  );
}

/** What the pipeline stored: proof it did the whole job (every text, every status callback). */
export async function countMinimalRows(db: Database): Promise<{ texts: number; statusCallbacks: number }> {
  const rows = await db.$queryRawUnsafe<Array<{ texts: bigint; statuses: bigint }>>(
    `SELECT (SELECT count(*) FROM ${MINIMAL_TEXT_TABLE}) AS texts, (SELECT count(*) FROM ${MINIMAL_STATUS_TABLE}) AS statuses`,
  );
  return { texts: Number(rows[0]?.texts ?? 0), statusCallbacks: Number(rows[0]?.statuses ?? 0) };
}

export async function dropMinimalTables(db: Database): Promise<void> {
  await db.$executeRawUnsafe(`DROP TABLE IF EXISTS ${MINIMAL_TEXT_TABLE}, ${MINIMAL_STATUS_TABLE}`);
}

export function createMinimalActivities({ db, twilio, statusCallbackUrl, replyBody }: MinimalDependencies) {
  return {
    /** Store the text, pick a reply, send it: one INSERT and one Messages API POST. */
    async storeDecideSend(text: MinimalText): Promise<void> {
      await db.$executeRawUnsafe(
        `INSERT INTO ${MINIMAL_TEXT_TABLE} (message_sid, customer, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        text.messageSid,
        text.from,
        text.body,
      );
      const reply = pickReply(text.body, replyBody);
      if (reply) await twilio.messages.create({ to: text.from, from: text.to, body: reply, statusCallback: statusCallbackUrl });
    },
    /** Keep the callback: one INSERT. */
    async storeStatus(status: MinimalStatus): Promise<void> {
      await db.$executeRawUnsafe(
        `INSERT INTO ${MINIMAL_STATUS_TABLE} (message_sid, status) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        status.messageSid,
        status.status,
      );
    },
  };
}

export type MinimalActivities = ReturnType<typeof createMinimalActivities>;
