// Live event types pushed to agents (GET /api/events). Each carries ids, not content: a client
// fetches the details it needs.
export const LIVE_EVENTS_CHANNEL = 'live_events';

/** Every live event type, once: the type below and the API's schema are made from it. */
export const LIVE_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.failed',
  'message.status',
  /** A message was scheduled, or its scheduled text or time changed. */
  'message.scheduled',
  'conversation.opened',
  'conversation.reopened',
  'conversation.assigned',
  'conversation.unassigned',
  'conversation.closed',
  'conversation.flagged',
  'conversation.unflagged',
  /** A text or status callback kept failing and was parked with its reason (`parked_jobs`). */
  'conversation.job_failed',
  /** A customer waited longer than the response-time target (escalated, flagged). */
  'conversation.sla_breached',
  /** An agent added an internal note (written by the API, not the workflow). */
  'conversation.note_added',
  'contact.opted_out',
  'contact.opted_in',
  /** An agent changed a contact's name or notes (written by the API). */
  'contact.updated',
] as const;

export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export interface LiveEventInput {
  type: LiveEventType;
  conversationId?: string | null;
  messageId?: string | null;
  data?: Record<string, unknown>;
}
