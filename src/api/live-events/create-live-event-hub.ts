// One per API process: hears about new live events and fans them out to the SSE streams.
//
// The worker writes each event to live_events and NOTIFYs 'live_events' in the same
// transaction. Every API replica LISTENs on its own connection and, on a notification, reads
// the rows after the last one it delivered; so an event reaches agents connected to any
// replica. A poll every second catches what notifications miss (those sent while the listener
// reconnects). The embedded PGlite server delivers a NOTIFY only to the connection that sent it
// (checked: a second connection's LISTEN never hears it); in `npm start` it runs in this process
// and hands them over in-process (`notifications`); without that, the hub polls every 250 ms.
import type { Database } from '../../infra/database.ts';
import type { DatabaseNotifications } from '../../infra/database-notifications.ts';
import type { Logger } from '../../infra/logger.ts';
import type { ApiMetrics } from '../../metrics/api-metrics.ts';
import { LIVE_EVENTS_CHANNEL } from '../../shared/live-events.ts';
import { CommitOrderGate } from './commit-order-gate.ts';
import type { LiveEventHub, LiveEventRecord, LiveEventSubscribeOptions } from './live-event-hub.ts';
import { createLiveEventStore, type StoredLiveEvent } from './live-event-store.ts';
import { startNotificationListener, type NotificationListener } from './notification-listener.ts';

export interface LiveEventHubOptions {
  databaseUrl: string;
  db: Database;
  log: Logger;
  /** Safety-net read when no notification came. Default 1000 ms (250 ms on PGlite without `notifications`). */
  pollIntervalMs?: number;
  /** The embedded database's NOTIFYs, handed over in-process (PGlite passes none to a LISTEN). */
  notifications?: DatabaseNotifications;
  /** A resuming client gets at most this many missed events. Default 1000. */
  historyLimit?: number;
  /** …none older than this; also how long events are kept. Default 24 h. */
  historyMaxAgeMs?: number;
  /** How often old events are deleted; 0 leaves pruning to another replica. Default 10 min. */
  pruneIntervalMs?: number;
  /** Rows one DELETE removes at most. Default 10 000. */
  pruneBatchSize?: number;
  /** See commit-order-gate.ts. Defaults 100 ms and 10 s. */
  gapGraceMs?: number;
  gapMaxWaitMs?: number;
  listenerReconnectInitialDelayMs?: number;
  listenerReconnectMaxDelayMs?: number;
  /** Counts the subscribers connected (sms_live_event_subscribers). */
  metrics?: ApiMetrics;
}

const READ_BATCH = 500;
const GAP_RECHECK_MS = 50;
const PGLITE_POLL_MS = 250;

interface Subscriber {
  listener: (event: LiveEventRecord) => void;
  options: LiveEventSubscribeOptions;
  /** The id of the last event this subscriber was given (or chose to start after). */
  position: bigint;
  /** Set while the history is being replayed: live events wait here meanwhile. */
  pending: StoredLiveEvent[] | null;
  active: boolean;
}

export async function createLiveEventHub(options: LiveEventHubOptions): Promise<LiveEventHub> {
  const log = options.log.child({ component: 'live-events' });
  const store = createLiveEventStore(options.db);
  const historyLimit = options.historyLimit ?? 1000;
  const historyMaxAgeMs = options.historyMaxAgeMs ?? 24 * 60 * 60 * 1000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 10 * 60 * 1000;
  const pruneBatchSize = options.pruneBatchSize ?? 10_000;

  const pglite = await store.isPglite();
  const pollIntervalMs =
    pglite && !options.notifications ? Math.min(options.pollIntervalMs ?? 1000, PGLITE_POLL_MS) : (options.pollIntervalMs ?? 1000);
  const gate = new CommitOrderGate(await store.newestId(), {
    graceMs: options.gapGraceMs ?? 100,
    maxWaitMs: options.gapMaxWaitMs ?? 10_000,
  });
  const subscribers = new Set<Subscriber>();
  let closed = false;
  /**
   * A notification came while nobody was subscribed: not read then (each notification would
   * cost a query for nobody; the benchmark saw ≈ 5 per text), but before the next subscriber
   * joins, so it starts from the newest event as if every notification had been read.
   */
  let unreadNotification = false;

  function notified(): void {
    if (subscribers.size > 0) requestRead();
    else unreadNotification = true;
  }

  // ---- reading: one read at a time; a request during a read makes it read once more after.
  let reading: Promise<void> | null = null;
  let readAgain = false;
  let gapTimer: NodeJS.Timeout | undefined;

  function requestRead(): void {
    if (closed) return;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = readUntilCaughtUp().finally(() => {
      reading = null;
    });
  }

  async function readUntilCaughtUp(): Promise<void> {
    do {
      readAgain = false;
      await readOnce();
    } while (readAgain && !closed);
  }

  async function readOnce(): Promise<void> {
    let result;
    try {
      result = await store.readAfter(gate.cursor, READ_BATCH);
    } catch (error) {
      // The next notification or poll tries again; the cursor has not moved, so nothing is lost.
      if (!closed) log.warn({ err: error }, 'live events: reading new events failed');
      return;
    }
    if (closed) return;
    const { released, skipped, waiting } = gate.accept(result.rows, result.snapshot, Date.now());
    for (const range of skipped) {
      const fields = { from: range.from.toString(), to: range.to.toString() };
      if (range.timedOut) log.warn(fields, 'live events: gave up waiting for uncommitted ids; later events go out');
      else log.debug(fields, 'live events: ids rolled back; skipping them');
    }
    for (const event of released) fanOut(event);
    if (waiting) {
      log.debug({ at: (gate.cursor + 1n).toString() }, 'live events: holding events behind an uncommitted id');
      if (!gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = undefined;
          requestRead();
        }, GAP_RECHECK_MS);
        gapTimer.unref();
      }
    } else if (released.length === READ_BATCH) {
      readAgain = true;
    }
  }

  // ---- fan-out
  function deliver(subscriber: Subscriber, event: StoredLiveEvent): void {
    if (!subscriber.active || event.seq <= subscriber.position) return;
    subscriber.position = event.seq;
    try {
      subscriber.listener(event.record);
    } catch (error) {
      log.error({ err: error }, 'live events: a subscriber failed on an event');
    }
  }

  function fanOut(event: StoredLiveEvent): void {
    for (const subscriber of subscribers) {
      if (subscriber.pending) subscriber.pending.push(event);
      else deliver(subscriber, event);
    }
  }

  async function replayInto(subscriber: Subscriber, afterId: string): Promise<void> {
    if (!/^\d+$/.test(afterId)) throw new TypeError(`afterId must be a decimal event id, got ${JSON.stringify(afterId)}`);
    const after = BigInt(afterId);
    // Everything up to the cursor has been fanned out already, before this subscriber was
    // added: the table holds it. Everything after it reaches `pending`. So: no gap, and
    // `position` drops the overlap with events this replica has not read yet.
    const upTo = subscriber.position;
    const history = await store.history(after, upTo, { limit: historyLimit, maxAgeMs: historyMaxAgeMs });
    if (!subscriber.active) return;
    if (history.unknownId) {
      subscriber.options.onReset?.({ reason: 'unknown_event_id', resumeAfterId: upTo.toString() });
    } else {
      subscriber.position = after;
      if (history.truncated) {
        const resumeAfter = history.rows[0] ? history.rows[0].seq - 1n : upTo;
        subscriber.options.onReset?.({ reason: 'history_truncated', resumeAfterId: resumeAfter.toString() });
        subscriber.position = resumeAfter;
      }
      for (const event of history.rows) deliver(subscriber, event);
      if (subscriber.position < upTo) subscriber.position = upTo;
    }
    const live = subscriber.pending ?? [];
    subscriber.pending = null;
    for (const event of live) deliver(subscriber, event);
  }

  // ---- listening and polling
  let listener: NotificationListener | undefined;
  let stopHearing: (() => void) | undefined;
  if (options.notifications) {
    stopHearing = options.notifications.listen(LIVE_EVENTS_CHANNEL, notified);
    requestRead();
  } else if (pglite) {
    log.info({ pollIntervalMs }, 'live events: embedded PGlite does not forward NOTIFY between connections; polling instead');
  } else {
    listener = startNotificationListener({
      connectionString: options.databaseUrl,
      channel: LIVE_EVENTS_CHANNEL,
      log,
      onNotification: notified,
      onConnected: () => requestRead(),
      reconnectInitialDelayMs: options.listenerReconnectInitialDelayMs,
      reconnectMaxDelayMs: options.listenerReconnectMaxDelayMs,
    });
    await listener.ready;
  }
  const pollTimer = setInterval(requestRead, pollIntervalMs);
  pollTimer.unref();

  // ---- pruning: every replica may do it; the DELETE is idempotent and bounded.
  let pruning: Promise<void> | null = null;
  let pruneTimer: NodeJS.Timeout | undefined;
  /** Returns true when a full batch went, so more may be waiting. */
  async function pruneOnce(): Promise<boolean> {
    try {
      const deleted = await store.prune(historyMaxAgeMs, pruneBatchSize);
      if (deleted > 0) log.debug({ deleted }, 'live events: pruned old events');
      return deleted >= pruneBatchSize;
    } catch (error) {
      if (!closed) log.warn({ err: error }, 'live events: pruning old events failed');
      return false;
    }
  }
  function schedulePrune(delayMs: number): void {
    if (closed) return;
    pruneTimer = setTimeout(() => {
      pruning = pruneOnce().then((more) => {
        pruning = null;
        // More than one batch waiting: go on soon, one bounded DELETE at a time.
        schedulePrune(more ? 1000 : pruneIntervalMs);
      });
    }, delayMs);
    pruneTimer.unref();
  }
  if (pruneIntervalMs > 0) schedulePrune(0);

  return {
    async subscribe(afterId, listener, subscribeOptions = {}) {
      if (closed) throw new Error('The live event hub is closed');
      if (unreadNotification) {
        unreadNotification = false;
        requestRead();
        await reading;
      }
      const subscriber: Subscriber = {
        listener,
        options: subscribeOptions,
        position: gate.cursor,
        pending: afterId === undefined ? null : [],
        active: true,
      };
      subscribers.add(subscriber);
      options.metrics?.liveEventSubscribers.inc();
      const unsubscribe = () => {
        subscriber.active = false;
        if (subscribers.delete(subscriber)) options.metrics?.liveEventSubscribers.dec();
      };
      if (afterId !== undefined) {
        try {
          await replayInto(subscriber, afterId);
        } catch (error) {
          unsubscribe();
          throw error;
        }
      }
      return unsubscribe;
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pollTimer);
      clearTimeout(gapTimer);
      clearTimeout(pruneTimer);
      stopHearing?.();
      await listener?.close();
      await Promise.all([reading, pruning]);
      for (const subscriber of subscribers) {
        subscriber.active = false;
        try {
          subscriber.options.onEnd?.();
        } catch (error) {
          log.error({ err: error }, 'live events: a subscriber failed on close');
        }
      }
      options.metrics?.liveEventSubscribers.dec(subscribers.size);
      subscribers.clear();
    },
  };
}
