// The conversation's state changes, one function each: what the live state becomes, what the
// database records and which live event agents see — decided together so they cannot disagree.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../shared/failure-types.ts';
import {
  answeredByAgent,
  assign,
  checkOwnership,
  close,
  CUSTOMER_WROTE_AGAIN,
  flag,
  needsAgent,
  reopen,
  unassign,
  unflag,
  type Actor,
  type Change,
} from './conversation-changes.ts';
import { initialState, type CarriedState } from './conversation-state.ts';

const ALICE: Actor = { agentId: 'alice', name: 'Alice', role: 'agent' };
const BOB: Actor = { agentId: 'bob', name: 'Bob', role: 'agent' };
const ADA: Actor = { agentId: 'ada', name: 'Ada', role: 'admin' };

function stateWith(overrides: Partial<CarriedState> = {}): CarriedState {
  return { ...initialState(), loaded: true, conversationId: 'c1', ...overrides };
}

const heldByAlice = () => stateWith({ assignedAgentId: 'alice', assignedAgentName: 'Alice' });

function refusal(run: () => unknown): ApplicationFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The state after a change, as the workflow applies it. */
function after(state: CarriedState, change: Change | undefined): CarriedState {
  return { ...state, ...change?.state };
}

describe('every change says the same thing to the state, the row and the live event', () => {
  const cases: [string, CarriedState, () => Change | undefined][] = [
    ['assign', stateWith(), () => assign(stateWith(), { agentId: 'alice', agentName: 'Alice', actor: ALICE })],
    ['unassign', heldByAlice(), () => unassign(heldByAlice(), ALICE)],
    ['close', heldByAlice(), () => close(heldByAlice(), ALICE, { releasesOwner: true })],
    ['reopen', stateWith({ status: 'closed' }), () => reopen(stateWith({ status: 'closed' }), ALICE)],
    ['flag', stateWith(), () => flag(stateWith(), 'Upset', ALICE)],
    ['unflag', stateWith({ needsAttention: true, attentionReason: 'x' }), () => unflag(stateWith({ needsAttention: true, attentionReason: 'x' }), ALICE)],
    ['agent reply', stateWith({ needsAttention: true, attentionReason: 'x' }), () => answeredByAgent(stateWith({ needsAttention: true, attentionReason: 'x' }), ALICE)],
    ['customer needs an agent', stateWith(), () => needsAgent(stateWith(), 'No rule matched')],
  ];
  it.each(cases)('%s', (_name, before, decide) => {
    const change = decide()!;
    const state = after(before, change);
    const { patch, live } = change.stored;
    for (const [column, value] of Object.entries(patch)) {
      expect(state[column as keyof CarriedState], column).toEqual(value);
      expect(live.data[column], `live ${column}`).toEqual(value);
    }
    // Nothing in the state changes that the row does not record (names live in agents).
    for (const field of Object.keys(change.state).filter((key) => key !== 'assignedAgentName')) {
      expect(patch, field).toHaveProperty(field);
    }
  });
});

describe('ownership', () => {
  it('lets the owner and admins act on an assigned conversation, and refuses others naming the owner', () => {
    expect(() => checkOwnership(heldByAlice(), ALICE)).not.toThrow();
    expect(() => checkOwnership(heldByAlice(), ADA)).not.toThrow();
    const refused = refusal(() => checkOwnership(heldByAlice(), BOB));
    expect(refused.type).toBe(FailureType.NotAssignedToYou);
    expect(refused.message).toContain('Alice');
  });

  it('leaves unassigned conversations open to all, and requests from before roles unchecked', () => {
    expect(() => checkOwnership(stateWith(), BOB)).not.toThrow();
    expect(() => checkOwnership(heldByAlice(), { agentId: 'bob' })).not.toThrow();
  });

  it.each([
    ['unassign', () => unassign(heldByAlice(), BOB)],
    ['close', () => close(heldByAlice(), BOB, { releasesOwner: true })],
    ['unflag', () => unflag({ ...heldByAlice(), needsAttention: true }, BOB)],
  ])('refuses a non-owner to %s', (_name, run) => {
    expect(refusal(run).type).toBe(FailureType.NotAssignedToYou);
  });

  it('lets anyone flag, and anyone reopen', () => {
    expect(flag(heldByAlice(), 'Angry', BOB).state.needsAttention).toBe(true);
    expect(reopen({ ...heldByAlice(), status: 'closed' }, BOB).state.status).toBe('open');
  });

  it('refuses taking a held conversation without force, and force to a non-admin', () => {
    expect(refusal(() => assign(heldByAlice(), { agentId: 'bob', actor: BOB })).type).toBe(FailureType.AlreadyAssigned);
    expect(refusal(() => assign(heldByAlice(), { agentId: 'bob', actor: BOB, force: true })).type).toBe(FailureType.NotAssignedToYou);
  });

  it('lets an admin take over, audited with both names', () => {
    const taken = assign(heldByAlice(), { agentId: 'bob', agentName: 'Bob', actor: ADA, force: true });
    expect(taken.state).toEqual({ assignedAgentId: 'bob', assignedAgentName: 'Bob' });
    expect(taken.stored.event).toEqual({
      type: 'assigned',
      agentId: 'ada',
      data: { agentId: 'bob', agentName: 'Bob', previousAgentId: 'alice', previousAgentName: 'Alice', takenOver: true },
    });
    expect(taken.stored.live.data).toMatchObject({ actingAgentName: 'Ada', previousAgentName: 'Alice' });
  });

  it('is idempotent for the agent who already holds it', () => {
    expect(assign(heldByAlice(), { agentId: 'alice', actor: ALICE }).stored.event.data).not.toHaveProperty('takenOver');
  });
});

describe('closing', () => {
  it('clears attention and releases the agent, keeping who had it on the audit trail', () => {
    const closed = close({ ...heldByAlice(), needsAttention: true, attentionReason: 'x' }, ALICE, { reason: 'Sorted', releasesOwner: true });
    expect(closed.state).toEqual({ status: 'closed', needsAttention: false, attentionReason: null, assignedAgentId: null, assignedAgentName: null });
    expect(closed.stored.event.data).toEqual({ reason: 'Sorted', releasedAgentId: 'alice', releasedAgentName: 'Alice' });
  });

  it('keeps the agent for runs from before (releasesOwner false)', () => {
    expect(close(heldByAlice(), ALICE, { releasesOwner: false }).state).not.toHaveProperty('assignedAgentId');
  });

  it('refuses a second close and a reopen of an open conversation', () => {
    expect(refusal(() => close(stateWith({ status: 'closed' }), ALICE, { releasesOwner: true })).type).toBe(FailureType.ConversationClosed);
    expect(refusal(() => reopen(stateWith(), ALICE)).type).toBe(FailureType.ConversationOpen);
    expect(refusal(() => assign(stateWith({ status: 'closed' }), { agentId: 'alice', actor: ALICE })).type).toBe(FailureType.ConversationClosed);
  });
});

describe('attention', () => {
  it('is cleared by an agent reply in the state and the row at once; nothing to record when already clear', () => {
    const flagged = stateWith({ needsAttention: true, attentionReason: 'No rule matched' });
    const answered = answeredByAgent(flagged, ALICE)!;
    expect(after(flagged, answered)).toMatchObject({ needsAttention: false, attentionReason: null });
    expect(answered.stored.event.type).toBe('attention_cleared');
    expect(answered.stored.live.type).toBe('conversation.unflagged');
    expect(answeredByAgent(stateWith(), ALICE)).toBeUndefined();
  });

  it('is raised again when the customer writes after the agent answered', () => {
    const answered = after(stateWith({ needsAttention: true, attentionReason: 'x' }), answeredByAgent(stateWith({ needsAttention: true, attentionReason: 'x' })));
    expect(after(answered, needsAgent(answered, CUSTOMER_WROTE_AGAIN))).toMatchObject({ needsAttention: true, attentionReason: CUSTOMER_WROTE_AGAIN });
  });

  it('records nothing for an unchanged reason, and "customer wrote again" never hides a waiting reason', () => {
    const waiting = stateWith({ needsAttention: true, attentionReason: 'Auto-reply limit reached' });
    expect(needsAgent(waiting, 'Auto-reply limit reached')).toBeUndefined();
    expect(needsAgent(waiting, CUSTOMER_WROTE_AGAIN)).toBeUndefined();
    expect(needsAgent(waiting, 'No rule matched')?.state.attentionReason).toBe('No rule matched');
  });
});
