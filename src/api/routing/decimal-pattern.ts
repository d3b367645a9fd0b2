// A regular expression for "a decimal of at most as many digits as `max`, no greater than it",
// so a bound on a numeric id carried as text (a bigint beyond JavaScript numbers) can be published
// as an OpenAPI `pattern` and checked by that same pattern.

/** Matches digit strings (leading zeros allowed) of at most `max.length` digits whose value is ≤ max. */
export function decimalAtMost(max: string): RegExp {
  if (!/^[1-9]\d*$/.test(max)) throw new Error(`not a positive decimal: ${max}`);
  const width = max.length;
  // Same width: equal to max up to some digit, lower there, anything after.
  const sameWidth: string[] = [max];
  for (let index = 0; index < width; index++) {
    const digit = Number(max[index]);
    if (digit === 0) continue;
    const rest = width - index - 1;
    const lower = digit === 1 ? '0' : `[0-${digit - 1}]`;
    sameWidth.push(`${max.slice(0, index)}${lower}${rest > 0 ? `\\d{${rest}}` : ''}`);
  }
  const shorter = width > 1 ? [`\\d{1,${width - 1}}`] : [];
  return new RegExp(`^(?:${[...shorter, ...sameWidth].join('|')})$`);
}
