// How a conversation shows in the Temporal UI: search attributes ops filter on, and the details
// line on the run's page. Built from the live state only, so they say what the state says.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  SA_ASSIGNED_AGENT,
  SA_BUSINESS_NUMBER,
  SA_CONVERSATION_STATUS,
  SA_CUSTOMER_NUMBER,
  SA_LAST_DELIVERY_FAILURE,
  SA_NEEDS_ATTENTION,
  SA_SLA_BREACHED,
  SA_WAITING_SINCE,
} from '../shared/search-attributes.ts';
import type { CarriedState } from './conversation-state.ts';

/** The agent as ops know them: their name (the id only for runs from before names were kept). */
function agentOf(state: CarriedState): string | undefined {
  return state.assignedAgentId ? (state.assignedAgentName ?? state.assignedAgentId) : undefined;
}

export function searchAttributesOf(state: CarriedState, numbers: { businessNumber: string; customerNumber: string }): SearchAttributeUpdatePair[] {
  return [
    { key: SA_BUSINESS_NUMBER, value: numbers.businessNumber },
    { key: SA_CUSTOMER_NUMBER, value: numbers.customerNumber },
    { key: SA_CONVERSATION_STATUS, value: state.status },
    { key: SA_ASSIGNED_AGENT, value: agentOf(state) ?? 'unassigned' },
    { key: SA_NEEDS_ATTENTION, value: state.needsAttention },
    // Only once a delivery failed: runs from before the attribute existed never set it.
    ...(state.lastDeliveryFailureAt ? [{ key: SA_LAST_DELIVERY_FAILURE, value: new Date(state.lastDeliveryFailureAt) }] : []),
    // Only runs that keep the clocks (lastActivityAt is theirs); null unsets WaitingSince.
    ...(state.lastActivityAt !== undefined
      ? [
          { key: SA_WAITING_SINCE, value: state.waitingSince != null ? new Date(state.waitingSince) : null },
          { key: SA_SLA_BREACHED, value: state.slaBreached ?? false },
        ]
      : []),
  ];
}

/** What decides whether the search attributes changed (the numbers never do within a run). */
export function searchAttributeKey(state: CarriedState): string {
  return JSON.stringify([
    state.status,
    agentOf(state),
    state.needsAttention,
    ...(state.lastDeliveryFailureAt ? [state.lastDeliveryFailureAt] : []),
    // Absent for runs from before the clocks, so their key (and their upserts) stay as they were.
    ...(state.lastActivityAt !== undefined ? [state.waitingSince ?? null, state.slaBreached ?? false] : []),
  ]);
}

export function detailsOf(state: CarriedState): string {
  const agent = agentOf(state);
  return [
    `**${state.status}**`,
    agent ? `assigned to ${agent}` : 'unassigned',
    state.needsAttention ? `needs attention: ${state.attentionReason ?? ''}` : undefined,
    state.optedOut ? 'customer opted out' : undefined,
    state.waitingSince != null ? `waiting since ${new Date(state.waitingSince).toISOString()}${state.slaBreached ? ' (SLA breached)' : ''}` : undefined,
    state.scheduled?.length ? `${state.scheduled.length} scheduled` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}
