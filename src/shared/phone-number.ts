/** E.164: a plus, a non-zero country digit, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

export function isE164(value: string): boolean {
  return E164_PATTERN.test(value);
}
