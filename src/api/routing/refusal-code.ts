// Some request rules answered with a code of their own before they moved into the zod schemas
// that feed the OpenAPI document (invalid_phone_number, invalid_cursor): clients branch on those
// codes, so a check can still carry one. It rides on the zod issue's `params`, and validation.ts
// answers with it.
import type { z } from 'zod';

/** Options for `.refine()`: a failure answers 400 with `code` instead of validation_failed. */
export function refusedAs(code: string, message: string): { message: string; params: { refusal: string } } {
  return { message, params: { refusal: code } };
}

function refusalOf(issue: z.core.$ZodIssue): string | undefined {
  const refusal = issue.code === 'custom' ? (issue.params as { refusal?: unknown } | undefined)?.refusal : undefined;
  return typeof refusal === 'string' ? refusal : undefined;
}

/**
 * The code a failed parse answers with: a malformed request (any issue without a code of its
 * own) is validation_failed, as it was when such rules ran after the schema; otherwise the code
 * of the first issue, in the schema's field order.
 */
export function refusalCodeOf(issues: readonly z.core.$ZodIssue[]): string {
  const codes = issues.map(refusalOf);
  if (codes.length === 0 || codes.some((code) => code === undefined)) return 'validation_failed';
  return codes[0]!;
}
