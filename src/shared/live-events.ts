// Live event types pushed to agents (GET /api/events). Each carries ids, not content: a client
// fetches the details it needs.
export const LIVE_EVENTS_CHANNEL = 'live_events';

export type LiveEventType =
  | 'message.received'
  | 'message.sent'
  | 'message.failed'
  | 'message.status'
  | 'conversation.opened'
  | 'conversation.reopened'
  | 'conversation.assigned'
  | 'conversation.unassigned'
  | 'conversation.closed'
  | 'conversation.flagged'
  | 'conversation.unflagged'
  /** A text or status callback kept failing and was parked with its reason (`parked_jobs`). */
  | 'conversation.job_failed'
  | 'contact.opted_out'
  | 'contact.opted_in';

export interface LiveEventInput {
  type: LiveEventType;
  conversationId?: string | null;
  messageId?: string | null;
  data?: Record<string, unknown>;
}
