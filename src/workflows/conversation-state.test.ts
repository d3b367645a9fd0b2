// The workflow's carried state: bounded de-duplication memory, compaction before
// continue-as-new, the limit's wording and the `state` query's answer.
import { describe, expect, it } from 'vitest';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import {
  compactForContinueAsNew,
  DEFAULT_SETTINGS,
  describeLimit,
  initialState,
  rememberMessageSid,
  SEEN_SID_LIMIT,
  snapshot,
  type CarriedState,
} from './conversation-state.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const IDS = {
  workflowId: 'sms-conversation:+447488879172:+447700900123',
  businessNumber: '+447488879172',
  customerNumber: '+447700900123',
};

function sid(n: number): string {
  return `SM${n.toString(16).padStart(32, '0')}`;
}

function stateWith(overrides: Partial<CarriedState>): CarriedState {
  return { ...initialState(), ...overrides };
}

describe('initialState', () => {
  it('is a fresh, open, unloaded conversation with the default settings', () => {
    expect(initialState()).toEqual({
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
    });
  });

  it('gives every run its own arrays', () => {
    const a = initialState();
    rememberMessageSid(a, sid(1));
    expect(initialState().seenMessageSids).toEqual([]);
  });

  it('is plain JSON (it crosses continue-as-new)', () => {
    const state = initialState();
    rememberMessageSid(state, sid(1));
    state.autoReplySentAt.push(NOW);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('rememberMessageSid', () => {
  it('appends, most recent last', () => {
    const state = initialState();
    rememberMessageSid(state, sid(1));
    rememberMessageSid(state, sid(2));
    expect(state.seenMessageSids).toEqual([sid(1), sid(2)]);
  });

  it(`keeps at most SEEN_SID_LIMIT (${SEEN_SID_LIMIT}) sids, dropping the oldest`, () => {
    const state = initialState();
    for (let n = 0; n < SEEN_SID_LIMIT; n++) rememberMessageSid(state, sid(n));
    expect(state.seenMessageSids).toHaveLength(SEEN_SID_LIMIT);
    expect(state.seenMessageSids[0]).toBe(sid(0));

    rememberMessageSid(state, sid(SEEN_SID_LIMIT));
    expect(state.seenMessageSids).toHaveLength(SEEN_SID_LIMIT);
    expect(state.seenMessageSids[0]).toBe(sid(1));
    expect(state.seenMessageSids.at(-1)).toBe(sid(SEEN_SID_LIMIT));

    for (let n = SEEN_SID_LIMIT + 1; n < 3 * SEEN_SID_LIMIT; n++) rememberMessageSid(state, sid(n));
    expect(state.seenMessageSids).toEqual(
      Array.from({ length: SEEN_SID_LIMIT }, (_, i) => sid(2 * SEEN_SID_LIMIT + i)),
    );
  });

  it('trims a carried list that is already over the bound', () => {
    const state = stateWith({ seenMessageSids: Array.from({ length: SEEN_SID_LIMIT + 10 }, (_, i) => sid(i)) });
    rememberMessageSid(state, sid(9999));
    expect(state.seenMessageSids).toHaveLength(SEEN_SID_LIMIT);
    expect(state.seenMessageSids.at(-1)).toBe(sid(9999));
    expect(state.seenMessageSids[0]).toBe(sid(11));
  });
});

describe('compactForContinueAsNew', () => {
  const windowMs = DEFAULT_SETTINGS.autoReplyWindowSeconds * 1000;

  it('drops auto-reply timestamps outside the window and keeps those inside', () => {
    const state = stateWith({ autoReplySentAt: [NOW - 2 * windowMs, NOW - windowMs, NOW - windowMs + 1, NOW - 1_000] });
    const carried = compactForContinueAsNew(state, NOW);
    expect(carried.autoReplySentAt).toEqual([NOW - windowMs + 1, NOW - 1_000]);
  });

  it('uses the window from the state’s own settings', () => {
    const settings: ConversationSettings = { ...DEFAULT_SETTINGS, autoReplyWindowSeconds: 60 };
    const state = stateWith({ settings, autoReplySentAt: [NOW - 120_000, NOW - 61_000, NOW - 59_000] });
    expect(compactForContinueAsNew(state, NOW).autoReplySentAt).toEqual([NOW - 59_000]);
  });

  it('keeps everything else', () => {
    const state = stateWith({
      conversationId: 'c-1',
      status: 'closed',
      assignedAgentId: 'agent-1',
      needsAttention: true,
      attentionReason: 'why not',
      optedOut: true,
      seenMessageSids: [sid(1), sid(2)],
      autoReplySentAt: [NOW - 2 * windowMs],
      loaded: true,
    });
    const { autoReplySentAt, ...rest } = compactForContinueAsNew(state, NOW);
    const { autoReplySentAt: _dropped, ...expected } = state;
    expect(autoReplySentAt).toEqual([]);
    expect(rest).toEqual(expected);
  });

  it('leaves the running state untouched', () => {
    const state = stateWith({ autoReplySentAt: [NOW - 2 * windowMs, NOW] });
    compactForContinueAsNew(state, NOW);
    expect(state.autoReplySentAt).toEqual([NOW - 2 * windowMs, NOW]);
  });
});

describe('describeLimit', () => {
  const with_ = (autoReplyLimit: number, autoReplyWindowSeconds: number) =>
    describeLimit({ ...DEFAULT_SETTINGS, autoReplyLimit, autoReplyWindowSeconds });

  it('words whole minutes as minutes', () => {
    expect(describeLimit(DEFAULT_SETTINGS)).toBe('3 in 10 minutes');
    expect(with_(5, 120)).toBe('5 in 2 minutes');
    expect(with_(1, 3600)).toBe('1 in 60 minutes');
  });

  it('says "1 minute", not "1 minutes"', () => {
    expect(with_(2, 60)).toBe('2 in 1 minute');
  });

  it('words other windows in seconds', () => {
    expect(with_(3, 90)).toBe('3 in 90 seconds');
    expect(with_(3, 45)).toBe('3 in 45 seconds');
  });

  it('says "1 second", not "1 seconds"', () => {
    expect(with_(3, 1)).toBe('3 in 1 second');
  });
});

describe('snapshot', () => {
  it('answers the state query with the ids, the carried fields and the pending work', () => {
    const state = stateWith({
      conversationId: 'c-1',
      assignedAgentId: 'agent-7',
      assignedAgentName: 'Grace',
      needsAttention: true,
      attentionReason: 'No auto-response matched; needs an agent',
      optedOut: false,
      loaded: true,
    });
    expect(snapshot(state, IDS, NOW, 4)).toEqual({
      workflowId: IDS.workflowId,
      businessNumber: IDS.businessNumber,
      customerNumber: IDS.customerNumber,
      conversationId: 'c-1',
      status: 'open',
      assignedAgentId: 'agent-7',
      assignedAgentName: 'Grace',
      needsAttention: true,
      attentionReason: 'No auto-response matched; needs an agent',
      optedOut: false,
      autoReplies: { limit: 3, windowSeconds: 600, sentInWindow: 0, nextAllowedAt: null },
      pendingWork: 4,
    });
  });

  it('counts only auto-replies inside the window and leaves nextAllowedAt null below the limit', () => {
    const state = stateWith({ autoReplySentAt: [NOW - 700_000, NOW - 60_000, NOW - 1_000] });
    expect(snapshot(state, IDS, NOW, 0).autoReplies).toEqual({
      limit: 3,
      windowSeconds: 600,
      sentInWindow: 2,
      nextAllowedAt: null,
    });
  });

  it('gives when the oldest reply leaves the window (ISO 8601) once the limit is reached', () => {
    const oldest = NOW - 300_000;
    const state = stateWith({ autoReplySentAt: [oldest, NOW - 60_000, NOW - 1_000] });
    const { autoReplies } = snapshot(state, IDS, NOW, 0);
    expect(autoReplies.sentInWindow).toBe(3);
    expect(autoReplies.nextAllowedAt).toBe(new Date(oldest + 600_000).toISOString());
    expect(autoReplies.nextAllowedAt).toBe('2026-11-25T12:05:00.000Z');
  });

  it('reports the state’s own settings', () => {
    const settings: ConversationSettings = { autoReplyLimit: 1, autoReplyWindowSeconds: 30, closedLingerSeconds: 5 };
    const state = stateWith({ settings, autoReplySentAt: [NOW - 10_000], status: 'closed', optedOut: true });
    const answer = snapshot(state, IDS, NOW, 0);
    expect(answer.status).toBe('closed');
    expect(answer.optedOut).toBe(true);
    expect(answer.autoReplies).toEqual({
      limit: 1,
      windowSeconds: 30,
      sentInWindow: 1,
      nextAllowedAt: new Date(NOW + 20_000).toISOString(),
    });
  });

  it('answers with auto-replies disabled (limit 0, a valid AUTO_REPLY_LIMIT) instead of throwing', () => {
    const settings: ConversationSettings = { ...DEFAULT_SETTINGS, autoReplyLimit: 0 };
    const state = stateWith({ settings });
    const answer = snapshot(state, IDS, NOW, 0);
    expect(answer.autoReplies.limit).toBe(0);
    expect(answer.autoReplies.sentInWindow).toBe(0);
  });
});
