// The conversation workflow's state: what it carries across continue-as-new (plain JSON, no
// Map/Set) and how it answers the `state` query.
import type {
  ConversationSettings,
  ConversationState,
  ConversationStatus,
  InboundSms,
  StatusCallbackReport,
} from '../shared/conversation-types.ts';
import { nextAutoReplyAllowedAt, repliesInWindow } from '../shared/auto-reply-window.ts';
import { timersOf, type ScheduledSend } from './timekeeping.ts';

/** How many recent MessageSids are remembered for de-duplication (the database catches older ones). */
export const SEEN_SID_LIMIT = 500;

export const DEFAULT_SETTINGS: ConversationSettings = {
  autoReplyLimit: 3,
  autoReplyWindowSeconds: 600,
  closedLingerSeconds: 3600,
};

export interface CarriedState {
  conversationId: string | null;
  status: ConversationStatus;
  assignedAgentId: string | null;
  /** Absent in state carried by runs from before names were kept. */
  assignedAgentName?: string | null;
  needsAttention: boolean;
  attentionReason: string | null;
  optedOut: boolean;
  /** Most recent last. */
  seenMessageSids: string[];
  /** Epoch ms of the last message that failed to reach the customer (absent: none, or a run from before). */
  lastDeliveryFailureAt?: number | null;
  /** Epoch ms of auto-replies sent, for the rolling-window limit. */
  autoReplySentAt: number[];
  settings: ConversationSettings;
  /** Whether the database state has been loaded (a fresh run loads it once). */
  loaded: boolean;
  // The clocks (timekeeping.ts); absent in state carried by runs from before them.
  /** Epoch ms since which the customer has waited for a person's reply; null: nobody waits. */
  waitingSince?: number | null;
  /** The current wait passed its target (escalated once per wait). */
  slaBreached?: boolean;
  /** Whether a person ever replied (first-reply vs follow-up target). */
  agentHasReplied?: boolean;
  /** Epoch ms of the last text, reply or agent action (not status callbacks). */
  lastActivityAt?: number;
  scheduled?: ScheduledSend[];
  /** The customer opted out: close the conversation once nothing is pending (then false). */
  closeWhenDone?: boolean;
  /** The opening time whose closed period already got its after-hours reply. */
  afterHoursRepliedFor?: number | null;
}

/** Work that can travel into the next run: plain data (update tasks cannot, and never do). */
export type CarriedJob =
  | {
      kind: 'inbound';
      sms: InboundSms;
      reopens: boolean;
      /** This delivery's receipt, chosen by the workflow (absent in jobs carried by older runs). */
      receiptRef?: string;
    }
  | { kind: 'status'; report: StatusCallbackReport };

export interface ConversationWorkflowInput {
  businessNumber: string;
  customerNumber: string;
  /** Set by continue-as-new only. */
  carried?: CarriedState;
  /** Set by continue-as-new only: texts and callbacks that arrived but were not yet processed. */
  pending?: CarriedJob[];
}

export function initialState(): CarriedState {
  return {
    conversationId: null,
    status: 'open',
    assignedAgentId: null,
    assignedAgentName: null,
    needsAttention: false,
    attentionReason: null,
    optedOut: false,
    seenMessageSids: [],
    autoReplySentAt: [],
    settings: DEFAULT_SETTINGS,
    loaded: false,
  };
}

export function rememberMessageSid(state: CarriedState, sid: string): void {
  state.seenMessageSids.push(sid);
  if (state.seenMessageSids.length > SEEN_SID_LIMIT) state.seenMessageSids.splice(0, state.seenMessageSids.length - SEEN_SID_LIMIT);
}

/** Drops what no longer matters before the state is carried into a new run. */
export function compactForContinueAsNew(state: CarriedState, now: number): CarriedState {
  return {
    ...state,
    autoReplySentAt: repliesInWindow(state.autoReplySentAt, now, state.settings.autoReplyWindowSeconds * 1000),
  };
}

export function snapshot(
  state: CarriedState,
  ids: { workflowId: string; businessNumber: string; customerNumber: string },
  now: number,
  pendingWork: number,
): ConversationState {
  const windowMs = state.settings.autoReplyWindowSeconds * 1000;
  const nextAllowed = nextAutoReplyAllowedAt(state.autoReplySentAt, now, windowMs, state.settings.autoReplyLimit);
  return {
    ...ids,
    conversationId: state.conversationId,
    status: state.status,
    assignedAgentId: state.assignedAgentId,
    assignedAgentName: state.assignedAgentName ?? null,
    needsAttention: state.needsAttention,
    attentionReason: state.attentionReason,
    optedOut: state.optedOut,
    autoReplies: {
      limit: state.settings.autoReplyLimit,
      windowSeconds: state.settings.autoReplyWindowSeconds,
      sentInWindow: repliesInWindow(state.autoReplySentAt, now, windowMs).length,
      nextAllowedAt: nextAllowed === undefined ? null : new Date(nextAllowed).toISOString(),
    },
    pendingWork,
    ...(state.lastActivityAt !== undefined ? { timers: timersOf(state, now) } : {}),
  };
}

export function describeLimit(settings: ConversationSettings): string {
  const minutes = settings.autoReplyWindowSeconds / 60;
  const seconds = settings.autoReplyWindowSeconds;
  const window = Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${settings.autoReplyLimit} in ${window}`;
}
