// Names of the workflow's patches (`patched(name)`): each gates a change that would not replay
// the histories of runs started before it. A name is never reused. Lifecycle and rules:
// docs/workflow-versioning.md.
export const Patches = {
  /** Sends are recorded in the job queue and handed to the outbox instead of sent inline. */
  OutboxSends: 'outbox-sends-v1',
  /** A duplicate that optimistically reopened a closed conversation hands the reopening on. */
  DuplicateReopenHandover: 'duplicate-reopen-handover-v1',
  /** A job that kept failing is parked (`parked_jobs`) and flagged, not just logged. */
  ParkFailedJobs: 'park-failed-jobs-v1',
  /**
   * Attention and ownership as agents rely on them: an agent's reply clears attention in the
   * live state too, a customer writing to an assigned or closed conversation needs an agent,
   * and closing releases the assignment.
   */
  TruthfulAttention: 'truthful-attention-v1',
  /** A message that fails to reach the customer stamps the LastDeliveryFailure search attribute. */
  DeliveryFailureAttribute: 'delivery-failure-attribute-v1',
  /** A run with no stored conversation and nothing to do ends itself. */
  EndEmptyRuns: 'end-empty-runs-v1',
  /** The conversation's clocks: scheduled sends, the response-time SLA, auto-close, opening hours. */
  ConversationTimers: 'conversation-timers-v1',
  /** A send's first attempt is a local activity; only a retryable failure goes on to the normal one. */
  LocalFirstSend: 'local-first-send-v1',
  /**
   * An automatic message (auto-reply, opt-out confirmation, after-hours notice) sent while the
   * outbox is idle is recorded by its send's own statement, not by a separate local activity first.
   */
  AutomaticSendRecordsItself: 'automatic-send-records-itself-v1',
} as const;
