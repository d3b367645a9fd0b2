// Twilio renders resource dates in RFC 2822 with a numeric zone ("Thu, 24 Aug 2023 05:01:45 +0000").
// toUTCString() gives the same layout with "GMT", so only the zone needs swapping.

export function toRfc2822(isoOrDate: string | Date): string {
  const date = typeof isoOrDate === 'string' ? new Date(isoOrDate) : isoOrDate;
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** Carrier delivery-receipt "done date" as Twilio forwards it in RawDlrDoneDate: YYMMDDhhmm, UTC. */
export function toRawDlrDoneDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
