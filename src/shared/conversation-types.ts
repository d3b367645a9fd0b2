// Plain, JSON-serialisable types passed between the API, the workflow and the activities.
import type { BusinessHours } from './business-hours.ts';

export interface InboundMedia {
  url: string;
  contentType: string;
}

/** An inbound SMS/MMS as Twilio's webhook described it. */
export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  /**
   * True when the text as Twilio sent it held characters PostgreSQL cannot store (NUL, lone
   * surrogates): they were replaced by U+FFFD at the webhook and the stored message says so.
   */
  bodyNormalized?: boolean;
  numSegments: number;
  media: InboundMedia[];
  messagingServiceSid?: string;
  /**
   * Set by Twilio when its own keyword handling acted on this text (and answered the customer
   * itself): STOP, START or HELP.
   */
  optOutType?: 'STOP' | 'START' | 'HELP';
  /** When our webhook received it (ISO 8601). */
  receivedAt: string;
}

/** One status callback from Twilio for an outbound message. */
export interface StatusCallbackReport {
  /** Unique per webhook request; keeps the audit row single when an activity is retried. */
  callbackId: string;
  messageSid: string;
  status: string;
  errorCode?: number;
  from?: string;
  to?: string;
  receivedAt: string;
  /** Every parameter Twilio sent, kept verbatim for the audit row. */
  payload: Record<string, string>;
}

export interface AutoResponseRuleSnapshot {
  id: string;
  name: string;
  keywords: string[];
  response: string;
  priority: number;
  flagsAgent: boolean;
  optsOut: boolean;
  /** What makes it answer (absent in snapshots from before after-hours rules: keyword). */
  trigger?: 'keyword' | 'after_hours';
}

/** Worker-side settings the workflow reads through activities, so changes apply without a restart. */
export interface ConversationSettings {
  autoReplyLimit: number;
  autoReplyWindowSeconds: number;
  closedLingerSeconds: number;
  // Absent in the settings that runs from before timers were given (their histories replay so).
  /** Response-time targets in seconds (0: no target). */
  sla?: { firstReplySeconds: number; followUpSeconds: number };
  /** Inactivity after which a conversation nobody needs closes itself (0: never). */
  autoCloseSeconds?: number;
  /** How far ahead a message may be scheduled. */
  scheduleHorizonSeconds?: number;
  /** Opening hours; null: always open. */
  businessHours?: BusinessHours | null;
}

export type ConversationStatus = 'open' | 'closed';
export type MessageAuthor = 'customer' | 'agent' | 'auto_response' | 'system';

/** Live state of a conversation, answered by the workflow's `state` query. */
export interface ConversationState {
  workflowId: string;
  conversationId: string | null;
  businessNumber: string;
  customerNumber: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  assignedAgentName: string | null;
  needsAttention: boolean;
  attentionReason: string | null;
  optedOut: boolean;
  autoReplies: {
    limit: number;
    windowSeconds: number;
    sentInWindow: number;
    /** When the oldest auto-reply in the window leaves it (ISO 8601), if the limit is reached. */
    nextAllowedAt: string | null;
  };
  /** Inbound messages, callbacks and agent actions waiting or being processed. */
  pendingWork: number;
  /** Time in the conversation (absent from runs older than the timers). */
  timers?: ConversationTimers;
}

/** The conversation's clocks as the workflow keeps them (ISO 8601 instants). */
export interface ConversationTimers {
  /** Since when the customer has been waiting for a person's reply (null: nobody waits). */
  waitingSince: string | null;
  sla: {
    /** The response-time target that applies (first reply or follow-up), null when none. */
    targetSeconds: number | null;
    /** When the customer will have waited the target in open business time. */
    dueAt: string | null;
    breached: boolean;
  };
  /** Messages waiting for their time, soonest first. */
  scheduled: Array<{ messageId: string; sendAt: string; agentId: string | null }>;
  /** When the conversation closes itself if nothing happens (null: it won't). */
  autoCloseAt: string | null;
  /** Opening hours: null when none are configured (always open). */
  businessHours: { open: boolean; nextOpeningAt: string | null } | null;
}

/** A message an agent scheduled, as stored. */
export interface ScheduledMessageResult extends OutboundMessageResult {
  sendAt: string;
}

export interface ScheduleMessageRequest extends SendMessageRequest {
  /** ISO 8601 with offset; in the future and within the horizon. */
  sendAt: string;
}

export interface EditScheduledMessageRequest extends ActingAgent {
  messageId: string;
  agentId?: string;
  body?: string;
  sendAt?: string;
}

export interface CancelScheduledMessageRequest extends ActingAgent {
  messageId: string;
  agentId?: string;
}

/** Who asks, for ownership checks and audit names (absent in requests from before ownership). */
export interface ActingAgent {
  actingAgentName?: string;
  actingRole?: 'agent' | 'admin';
}

export interface SendMessageRequest extends ActingAgent {
  body: string;
  agentId?: string;
  mediaUrls?: string[];
}

/** An outbound message as stored once Twilio accepted it (or refused it). */
export interface OutboundMessageResult {
  messageId: string;
  twilioSid: string | null;
  status: string;
  numSegments: number;
  encoding: string;
  errorCode: number | null;
}

export interface AssignRequest extends ActingAgent {
  agentId: string;
  /** The assignee's name, for the Temporal UI and the audit trail. */
  agentName?: string;
  /** The agent performing the action (the assignee when agents take a conversation themselves). */
  actingAgentId?: string;
  /** Take over a conversation another agent holds. */
  force?: boolean;
}

export interface ConversationActionRequest extends ActingAgent {
  actingAgentId?: string;
  reason?: string;
}
