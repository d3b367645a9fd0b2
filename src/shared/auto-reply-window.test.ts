// The auto-reply limit: at most `limit` replies in a rolling window; a reply sent exactly one
// window ago has left it.
import { describe, expect, it } from 'vitest';
import { canAutoReply, nextAutoReplyAllowedAt, repliesInWindow } from './auto-reply-window.ts';

const WINDOW = 10 * 60_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('repliesInWindow', () => {
  it('keeps replies younger than the window and drops those exactly one window old or older', () => {
    const sent = [T0 - WINDOW - 1, T0 - WINDOW, T0 - WINDOW + 1, T0 - 1, T0];
    expect(repliesInWindow(sent, T0, WINDOW)).toEqual([T0 - WINDOW + 1, T0 - 1, T0]);
  });

  it('does not modify its input', () => {
    const sent = [T0 - 2 * WINDOW, T0];
    repliesInWindow(sent, T0, WINDOW);
    expect(sent).toEqual([T0 - 2 * WINDOW, T0]);
  });

  it('is empty for no replies', () => {
    expect(repliesInWindow([], T0, WINDOW)).toEqual([]);
  });
});

describe('canAutoReply', () => {
  const sent = [T0, T0 + 1_000, T0 + 2_000];

  it('allows replies while fewer than the limit are in the window', () => {
    expect(canAutoReply([], T0, WINDOW, 3)).toBe(true);
    expect(canAutoReply(sent.slice(0, 2), T0 + 2_000, WINDOW, 3)).toBe(true);
  });

  it('refuses once the limit is reached', () => {
    expect(canAutoReply(sent, T0 + 2_000, WINDOW, 3)).toBe(false);
    expect(canAutoReply(sent, T0 + WINDOW - 1, WINDOW, 3)).toBe(false);
  });

  it('allows again exactly when the oldest reply is one window old', () => {
    expect(canAutoReply(sent, T0 + WINDOW, WINDOW, 3)).toBe(true);
  });

  it('never allows a reply with a limit of 0', () => {
    expect(canAutoReply([], T0, WINDOW, 0)).toBe(false);
  });

  it('ignores old replies outside the window', () => {
    const old = [T0 - 3 * WINDOW, T0 - 2 * WINDOW, T0 - WINDOW];
    expect(canAutoReply(old, T0, WINDOW, 1)).toBe(true);
  });
});

describe('nextAutoReplyAllowedAt', () => {
  it('is undefined while a reply is allowed now', () => {
    expect(nextAutoReplyAllowedAt([], T0, WINDOW, 3)).toBeUndefined();
    expect(nextAutoReplyAllowedAt([T0, T0 + 1], T0 + 1, WINDOW, 3)).toBeUndefined();
  });

  it('is when the oldest reply in the window leaves it, once the limit is reached', () => {
    const sent = [T0, T0 + 1_000, T0 + 2_000];
    expect(nextAutoReplyAllowedAt(sent, T0 + 2_000, WINDOW, 3)).toBe(T0 + WINDOW);
    expect(nextAutoReplyAllowedAt(sent, T0 + WINDOW - 1, WINDOW, 3)).toBe(T0 + WINDOW);
    // At that instant a reply is allowed again.
    expect(nextAutoReplyAllowedAt(sent, T0 + WINDOW, WINDOW, 3)).toBeUndefined();
    expect(canAutoReply(sent, T0 + WINDOW, WINDOW, 3)).toBe(true);
  });

  it('does not depend on the order of the timestamps', () => {
    const sent = [T0 + 2_000, T0, T0 + 1_000];
    expect(nextAutoReplyAllowedAt(sent, T0 + 2_000, WINDOW, 3)).toBe(T0 + WINDOW);
    expect(sent).toEqual([T0 + 2_000, T0, T0 + 1_000]);
  });

  it('with more replies in the window than the limit, waits until enough have left it', () => {
    // Limit lowered from 4 to 2 while four replies are in the window: three of them (up to the
    // third-oldest) must leave before fewer than two remain.
    const sent = [T0, T0 + 1_000, T0 + 2_000, T0 + 3_000];
    const next = nextAutoReplyAllowedAt(sent, T0 + 3_000, WINDOW, 2);
    expect(next).toBe(T0 + 2_000 + WINDOW);
    expect(canAutoReply(sent, next! - 1, WINDOW, 2)).toBe(false);
    expect(canAutoReply(sent, next!, WINDOW, 2)).toBe(true);
  });

  it('agrees with canAutoReply at every millisecond around the boundary', () => {
    const sent = [T0, T0 + 5, T0 + 9];
    for (let now = T0 + 9; now <= T0 + WINDOW + 12; now += now < T0 + WINDOW - 5 ? 50_000 : 1) {
      const next = nextAutoReplyAllowedAt(sent, now, WINDOW, 2);
      expect(next === undefined, `now=${now - T0}`).toBe(canAutoReply(sent, now, WINDOW, 2));
      if (next !== undefined) expect(next).toBeGreaterThan(now);
    }
  });

  it('returns a real time or undefined with a limit of 0 (auto-replies disabled), never NaN', () => {
    // AUTO_REPLY_LIMIT=0 is a valid configuration (auto-replies off).
    for (const sent of [[], [T0 - 1_000]]) {
      const next = nextAutoReplyAllowedAt(sent, T0, WINDOW, 0);
      expect(next === undefined || Number.isFinite(next), `got ${next}`).toBe(true);
    }
  });
});
