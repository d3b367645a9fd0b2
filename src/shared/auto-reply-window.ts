// The auto-reply rate limit: at most `limit` auto-replies per conversation in a rolling window.
// Timestamps are epoch milliseconds from the workflow's deterministic clock.

export function repliesInWindow(sentAt: readonly number[], now: number, windowMs: number): number[] {
  return sentAt.filter((time) => time > now - windowMs);
}

export function canAutoReply(sentAt: readonly number[], now: number, windowMs: number, limit: number): boolean {
  return repliesInWindow(sentAt, now, windowMs).length < limit;
}

/** When the next auto-reply becomes allowed, or undefined when one is allowed now. */
export function nextAutoReplyAllowedAt(
  sentAt: readonly number[],
  now: number,
  windowMs: number,
  limit: number,
): number | undefined {
  const recent = repliesInWindow(sentAt, now, windowMs).sort((a, b) => a - b);
  if (recent.length < limit) return undefined;
  // With a limit of 0 auto-replies are off altogether: there is no moment they become allowed.
  if (limit === 0) return undefined;
  return recent[recent.length - limit]! + windowMs;
}
