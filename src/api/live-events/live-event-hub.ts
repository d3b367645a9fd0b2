// The contract of the live-event fan-out inside one API process. See create-live-event-hub.ts.

export interface LiveEventRecord {
  /** Monotonic id (a bigint in the database), as a decimal string: the SSE event id. */
  id: string;
  type: string;
  conversationId: string | null;
  messageId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/**
 * Told to a resuming subscriber, before any replayed event, when the history cannot give it
 * every event it missed: it should refetch what it shows.
 */
export interface LiveEventReset {
  /**
   * history_truncated: some events after the requested id are no longer kept (older than the
   * retention, or more than the replay limit). unknown_event_id: no event with that id was ever
   * stored (a database that was reset, or a made-up id).
   */
  reason: 'history_truncated' | 'unknown_event_id';
  /** The id delivery continues after: a client that reconnects now should resume from it. */
  resumeAfterId: string;
}

export interface LiveEventSubscribeOptions {
  onReset?(reset: LiveEventReset): void;
  /** The hub is closing: no more events will come. */
  onEnd?(): void;
}

export interface LiveEventHub {
  /**
   * Calls `listener` for every event after `afterId` (replayed from the bounded history first,
   * when given) and then for each new one, in id order. Returns the unsubscribe function.
   */
  subscribe(
    afterId: string | undefined,
    listener: (event: LiveEventRecord) => void,
    options?: LiveEventSubscribeOptions,
  ): Promise<() => void>;
  close(): Promise<void>;
}
