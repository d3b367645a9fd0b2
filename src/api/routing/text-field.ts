// Request text fields whose check and whose OpenAPI keywords come from the same numbers and
// pattern, so the document cannot promise what the API refuses. Lengths are counted as JSON
// Schema counts them, in code points (an emoji is one character), not in UTF-16 units as zod's
// own .min/.max do; a pattern is checked on the text exactly as sent, before any trimming.
import { z } from 'zod';
import { refusedAs } from './refusal-code.ts';

/**
 * The whitespace String.prototype.trim removes, as the inside of a character class. Spelled out
 * rather than `\s`, because a generated client or fuzzer may run a pattern in another regex
 * dialect (Python's `\s` is another set).
 */
export const WHITESPACE = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** Holds a character that is not whitespace: not empty once trimmed. */
export const NOT_BLANK = new RegExp(`[^${WHITESPACE}]`);

/** `pattern` (anchored with ^…$) with any whitespace allowed around it, for fields that are trimmed. */
export function allowingPadding(pattern: RegExp): RegExp {
  const inner = pattern.source.replace(/^\^/, '').replace(/\$$/, '');
  return new RegExp(`^[${WHITESPACE}]*(?:${inner})[${WHITESPACE}]*$`, pattern.flags);
}

export interface TextRules {
  /** In code points. */
  minLength?: number;
  /** In code points. */
  maxLength?: number;
  pattern?: RegExp;
  /** What a text that does not match `pattern` is told. */
  patternMessage?: string;
  /** The error code every failure of these rules answers with (see refusal-code.ts). */
  refusal?: string;
  description?: string;
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

function check(rules: TextRules, message: string) {
  return rules.refusal ? refusedAs(rules.refusal, message) : { message };
}

/** A string field checked by `rules` and described by them. */
export function textField(rules: TextRules) {
  let schema = z.string();
  const { minLength, maxLength, pattern } = rules;
  if (minLength !== undefined) {
    const message = minLength === 1 ? 'must not be empty' : `must be at least ${minLength} characters`;
    schema = schema.refine((text) => codePointLength(text) >= minLength, check(rules, message));
  }
  if (maxLength !== undefined) {
    schema = schema.refine((text) => codePointLength(text) <= maxLength, check(rules, `must be at most ${maxLength} characters`));
  }
  if (pattern) {
    schema = schema.refine((text) => pattern.test(text), check(rules, rules.patternMessage ?? `must match ${pattern.source}`));
  }
  return schema.meta({
    ...(rules.description ? { description: rules.description } : {}),
    ...(minLength !== undefined ? { minLength } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(pattern ? { pattern: pattern.source } : {}),
  });
}
