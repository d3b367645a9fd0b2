// Twilio message statuses in the order a message moves through them. Status callbacks arrive
// out of order and more than once; a stored status only ever moves forward along this order.
// Terminal outcomes share a rank: once delivered, a late `failed` must not overwrite it.
const RANK: Record<string, number> = {
  pending: 0,
  accepted: 1,
  scheduled: 1,
  queued: 2,
  sending: 3,
  sent: 4,
  delivered: 5,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  refused: 5,
  read: 6,
  received: 6,
  receiving: 0,
};

export const TWILIO_OUTBOUND_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'canceled',
  'read',
] as const;

export function statusRank(status: string): number {
  return Object.hasOwn(RANK, status) ? RANK[status]! : -1;
}

/** Whether moving from `current` to `next` is progress (never a step back or sideways). */
export function isForwardStatus(current: string, next: string): boolean {
  return statusRank(next) > statusRank(current);
}

/**
 * The known statuses from which moving to `next` would not be progress, for a forward-only
 * UPDATE in SQL (`status <> ALL(…)`: a status outside the ranking, like isForwardStatus, moves).
 * Null when `next` itself is outside the ranking: nothing ever moves to it.
 */
export function statusesNotBefore(next: string): string[] | null {
  const rank = statusRank(next);
  if (rank < 0) return null;
  return Object.keys(RANK).filter((status) => RANK[status]! >= rank);
}
