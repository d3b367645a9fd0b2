// What the delivery-reconciliation workflow, its activity and its schedule share: plain types
// and fixed names, so the workflow bundle imports nothing with I/O.

/** The Temporal Schedule that starts the reconciliation; fixed, so every worker start updates the one schedule. */
export const DELIVERY_RECONCILIATION_SCHEDULE_ID = 'sms-delivery-reconciliation';

/** Outbound statuses that still wait for a callback; a message left in one of them may have lost its callbacks. */
export const UNSETTLED_OUTBOUND_STATUSES = ['accepted', 'queued', 'sending', 'sent'] as const;

/** Marker in the audit row's payload: this status came from asking Twilio, not from a callback. */
export const RECONCILIATION_SOURCE = 'reconciliation';

export const UNKNOWN_TO_TWILIO_REASON = 'Twilio does not know this message (reconciliation)';

export interface ReconcileDeliveriesInput {
  /** Only messages whose status has not moved for this long are asked about. */
  olderThanSeconds: number;
  /** At most this many messages (and Twilio calls) per run; the next run takes the rest. */
  limit: number;
}

export interface ReconcileDeliveriesSummary {
  /** Messages asked about. */
  checked: number;
  /** Moved forward to the status Twilio reported. */
  settled: number;
  /** Unknown to Twilio, so marked failed. */
  failed: number;
  /** Twilio reports what we have, or something not ahead of it. */
  unchanged: number;
  /** Twilio could not be asked (network, 5xx, 429): left for the next run. */
  errors: number;
}
