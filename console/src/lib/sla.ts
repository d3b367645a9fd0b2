// Whether a queue row's customer has waited past the response-time target: the stored flag the
// conversation's workflow keeps with the attention flag (`slaBreached` on every list row).
export function queueRowBreached(row: { slaBreached: boolean }): boolean {
  return row.slaBreached;
}
