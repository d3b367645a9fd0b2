// Tells the fault driver the moment the worker has just stored a customer's text: the worker
// writes a `message.received` live event in the same transaction and NOTIFYs on commit. A SIGKILL
// right then lands between "stored" and "the workflow task that stored it completed" — the
// window in which a re-run of the store must not mistake its own row for a redelivery. Only
// texts that call for a reply count, so a text the re-run drops shows up as a missing reply.
import pg from 'pg';
import { LIVE_EVENTS_CHANNEL } from '../../../src/shared/live-events.ts';

export class StoredTextTrigger {
  private waiter: (() => void) | undefined;

  private constructor(
    private readonly client: pg.Client,
    private readonly answerable: ReadonlySet<string>,
  ) {
    client.on('notification', (message) => {
      if (!this.waiter || !message.payload) return;
      const id = message.payload;
      // The payload is the event's id; its type and message are in the rows. One indexed read, ~1 ms.
      void client
        .query<{ type: string; body: string | null }>(
          'SELECT e.type, m.body FROM live_events e LEFT JOIN messages m ON m.id = e.message_id WHERE e.id = $1',
          [id],
        )
        .then(({ rows }) => {
          const row = rows[0];
          if (row?.type === 'message.received' && row.body !== null && this.answerable.has(row.body) && this.waiter) {
            const wake = this.waiter;
            this.waiter = undefined;
            wake();
          }
        })
        .catch(() => undefined);
    });
  }

  /** `answerable`: bodies of texts that must get a reply (keyword texts, STOP). */
  static async listen(databaseUrl: string, answerable: ReadonlySet<string>): Promise<StoredTextTrigger> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`LISTEN ${client.escapeIdentifier(LIVE_EVENTS_CHANNEL)}`);
    return new StoredTextTrigger(client, answerable);
  }

  /** Resolves true at the next stored text, or false after `timeoutMs` without one. */
  next(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  async close(): Promise<void> {
    this.waiter = undefined;
    await this.client.end().catch(() => undefined);
  }
}
