// Every change to a conversation, in one place: each function takes the live state and what
// happened (an agent's action, a customer's text, a decision) and returns the fields of the
// state that change together with what the database must record and the live event agents
// see — so the workflow's state, the stored row, the search attributes (built from the state)
// and the events cannot disagree. Refusals (closed, not yours, …) are thrown here too.
// Pure: no I/O, no clock; the workflow wires it to handlers, the queue and activities.
import type { ConversationStatus } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import type { LiveEventType } from '../shared/live-events.ts';
import type { CarriedState } from './conversation-state.ts';
import { rejection } from './rejection.ts';

/** Who acts. Requests from before ownership existed carry no role: they are not checked. */
export interface Actor {
  agentId?: string;
  name?: string;
  role?: 'agent' | 'admin';
}

export interface ConversationPatch {
  status?: ConversationStatus;
  assignedAgentId?: string | null;
  needsAttention?: boolean;
  attentionReason?: string | null;
  slaBreached?: boolean;
}

/** The stored breach flag goes with the wait it belongs to (only when there was one). */
function endsBreach(state: CarriedState): { slaBreached?: false } {
  return state.slaBreached ? { slaBreached: false } : {};
}

/** One change, as the database records it: columns, an audit event and the live event. */
export interface StoredChange {
  patch: ConversationPatch;
  event: { type: string; agentId?: string; data: Record<string, unknown> };
  live: { type: LiveEventType; data: Record<string, unknown> };
}

export interface Change {
  /** The fields of the live state that change. */
  state: Partial<CarriedState>;
  stored: StoredChange;
}

export const CUSTOMER_WROTE_AGAIN = 'Customer wrote again';

function change(state: Partial<CarriedState>, patch: ConversationPatch, type: string, live: LiveEventType, actor: Actor | undefined, data: Record<string, unknown> = {}): Change {
  const acting = actor?.agentId ? { actingAgentId: actor.agentId, ...(actor.name ? { actingAgentName: actor.name } : {}) } : {};
  return {
    state,
    stored: {
      patch,
      event: { type, ...(actor?.agentId ? { agentId: actor.agentId } : {}), data },
      live: { type: live, data: { ...data, ...patch, ...acting } },
    },
  };
}

/**
 * Only the assigned agent or an admin may act on an assigned conversation. Unassigned ones are
 * open to all. A request without a role comes from before ownership and is let through.
 */
export function checkOwnership(state: CarriedState, actor: Actor | undefined): void {
  if (!actor?.role || actor.role === 'admin' || !state.assignedAgentId) return;
  if (actor.agentId === state.assignedAgentId) return;
  const owner = state.assignedAgentName ?? state.assignedAgentId;
  throw rejection(FailureType.NotAssignedToYou, `${owner} has this conversation; only they or an admin may do that`, [
    { assignedAgentId: state.assignedAgentId, assignedAgentName: state.assignedAgentName ?? null },
  ]);
}

export interface AssignInput {
  agentId: string;
  agentName?: string;
  actor?: Actor;
  /** Take the conversation over from the agent holding it: admins only. */
  force?: boolean;
}

export function assign(state: CarriedState, input: AssignInput): Change {
  if (state.status === 'closed') throw rejection(FailureType.ConversationClosed, 'The conversation is closed');
  const previous = state.assignedAgentId;
  const takesOver = previous !== null && previous !== input.agentId;
  if (takesOver && !input.force) {
    throw rejection(FailureType.AlreadyAssigned, 'The conversation is already assigned to another agent', [
      { assignedAgentId: previous, assignedAgentName: state.assignedAgentName ?? null },
    ]);
  }
  if (takesOver && input.actor?.role === 'agent') {
    throw rejection(FailureType.NotAssignedToYou, 'Only an admin may take a conversation over from another agent');
  }
  const data: Record<string, unknown> = { agentId: input.agentId, ...(input.agentName ? { agentName: input.agentName } : {}) };
  if (takesOver) Object.assign(data, { previousAgentId: previous, previousAgentName: state.assignedAgentName ?? null, takenOver: true });
  return change(
    { assignedAgentId: input.agentId, assignedAgentName: input.agentName ?? null },
    { assignedAgentId: input.agentId },
    'assigned',
    'conversation.assigned',
    input.actor,
    data,
  );
}

export function unassign(state: CarriedState, actor?: Actor): Change {
  if (state.assignedAgentId === null) throw rejection(FailureType.NotAssigned, 'The conversation is not assigned');
  checkOwnership(state, actor);
  return change({ assignedAgentId: null, assignedAgentName: null }, { assignedAgentId: null }, 'unassigned', 'conversation.unassigned', actor, {
    previousAgentId: state.assignedAgentId,
    previousAgentName: state.assignedAgentName ?? null,
  });
}

/**
 * Closing ends the work on a conversation: attention is cleared and, with `releasesOwner`, the
 * assignment released (the audit event keeps who had it), so the customer's next text puts the
 * conversation back in the unassigned queue rather than with an agent who may have gone home.
 */
export function close(
  state: CarriedState,
  actor: Actor | undefined,
  options: { reason?: string; releasesOwner: boolean; automatic?: boolean },
): Change {
  if (state.status === 'closed') throw rejection(FailureType.ConversationClosed, 'The conversation is already closed');
  checkOwnership(state, actor);
  const released = options.releasesOwner && state.assignedAgentId !== null;
  const data: Record<string, unknown> = options.reason ? { reason: options.reason } : {};
  // Closed by the conversation's own clock (inactivity, an opted-out customer), not a person.
  if (options.automatic) data.automatic = true;
  if (released) Object.assign(data, { releasedAgentId: state.assignedAgentId, releasedAgentName: state.assignedAgentName ?? null });
  return change(
    {
      status: 'closed',
      needsAttention: false,
      attentionReason: null,
      // Nobody waits for a reply in a closed conversation.
      ...(state.waitingSince != null ? { waitingSince: null, slaBreached: false } : {}),
      ...(released ? { assignedAgentId: null, assignedAgentName: null } : {}),
    },
    { status: 'closed', needsAttention: false, attentionReason: null, ...endsBreach(state), ...(released ? { assignedAgentId: null } : {}) },
    'closed',
    'conversation.closed',
    actor,
    data,
  );
}

export function reopen(state: CarriedState, actor?: Actor): Change {
  if (state.status === 'open') throw rejection(FailureType.ConversationOpen, 'The conversation is already open');
  return change({ status: 'open' }, { status: 'open' }, 'reopened', 'conversation.reopened', actor);
}

export function flag(state: CarriedState, reason: string, actor?: Actor): Change {
  return change({ needsAttention: true, attentionReason: reason }, { needsAttention: true, attentionReason: reason }, 'flagged', 'conversation.flagged', actor, { reason });
}

export function unflag(state: CarriedState, actor?: Actor, reason?: string): Change {
  checkOwnership(state, actor);
  // An agent judged that nobody needs to answer: a wait in progress ends (unanswered) too.
  const endsWait = state.waitingSince != null ? { waitingSince: null, slaBreached: false } : {};
  return change({ needsAttention: false, attentionReason: null, ...endsWait }, { needsAttention: false, attentionReason: null, ...endsBreach(state) }, 'unflagged', 'conversation.unflagged', actor, reason ? { reason } : {});
}

/** A person answered: the customer's texts are answered, attention clears. Nothing if it was clear. */
export function answeredByAgent(state: CarriedState, actor?: Actor): Change | undefined {
  if (!state.needsAttention) return undefined;
  return change({ needsAttention: false, attentionReason: null }, { needsAttention: false, attentionReason: null, ...endsBreach(state) }, 'attention_cleared', 'conversation.unflagged', actor);
}

/**
 * A customer's text needs a person. An unchanged reason records nothing; "customer wrote
 * again" never replaces a more specific reason already waiting.
 */
export function needsAgent(state: CarriedState, reason: string): Change | undefined {
  if (state.needsAttention && (state.attentionReason === reason || reason === CUSTOMER_WROTE_AGAIN)) return undefined;
  return change({ needsAttention: true, attentionReason: reason }, { needsAttention: true, attentionReason: reason }, 'flagged', 'conversation.flagged', undefined, { reason });
}

/**
 * The customer has waited longer than the response-time target: escalate — flag the
 * conversation with how long ("waiting 17 min"), record it, and tell agents at once.
 */
export function slaBreach(reason: string, details: { waitingSince: string; targetSeconds: number }): Change {
  return change(
    { needsAttention: true, attentionReason: reason, slaBreached: true },
    { needsAttention: true, attentionReason: reason, slaBreached: true },
    'sla_breached',
    'conversation.sla_breached',
    undefined,
    { reason, ...details },
  );
}
