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

export interface LiveEventHub {
  /**
   * Calls `listener` for every event after `afterId` (replayed from the bounded history first,
   * when given) and then for each new one, in id order. Returns the unsubscribe function.
   */
  subscribe(afterId: string | undefined, listener: (event: LiveEventRecord) => void): Promise<() => void>;
  close(): Promise<void>;
}
