// Plain, JSON-serialisable types passed between the API, the workflow and the activities.

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
}

/** Worker-side settings the workflow reads through activities, so changes apply without a restart. */
export interface ConversationSettings {
  autoReplyLimit: number;
  autoReplyWindowSeconds: number;
  closedLingerSeconds: number;
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
