// Request and response shapes of the auto-response rules API.
import { z } from 'zod';

export const MAX_KEYWORDS = 50;
export const MAX_KEYWORD_LENGTH = 100;
export const MAX_RESPONSE_LENGTH = 1600;

/** Matching ignores case, so keywords differing only in case are one keyword; the first spelling stays. */
export function withoutCaseInsensitiveDuplicates(keywords: string[]): string[] {
  const seen = new Set<string>();
  return keywords.filter((keyword) => {
    const key = keyword.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const keyword = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_KEYWORD_LENGTH, `must be at most ${MAX_KEYWORD_LENGTH} characters`)
  // Matching works on runs of letters and digits; a keyword without any could never match.
  .refine((value) => /[\p{L}\p{N}]/u.test(value), 'must contain a letter or a digit');

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  keywords: z
    .array(keyword)
    .min(1, 'needs at least one keyword')
    .max(MAX_KEYWORDS, `takes at most ${MAX_KEYWORDS} keywords`)
    .transform(withoutCaseInsensitiveDuplicates)
    .describe('Matched case-insensitively on whole words or phrases; duplicates (ignoring case) are removed'),
  response: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_RESPONSE_LENGTH, `must be at most ${MAX_RESPONSE_LENGTH} characters`)
    .refine((value) => value.trim().length > 0, 'must not be blank')
    .describe('The auto-reply text'),
  priority: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(2_147_483_647, 'is too large')
    .describe('1 is the highest; unique across rules, so the winner of two matching rules is always defined'),
  flagsAgent: z.boolean().describe('Also flag the conversation for an agent after replying'),
  optsOut: z.boolean().describe('Matching this rule opts the customer out (the reply is the opt-out confirmation)'),
  active: z.boolean().describe('Inactive rules are kept but never matched'),
};

export const createRuleBody = z.object({
  name: fields.name,
  keywords: fields.keywords,
  response: fields.response,
  priority: fields.priority,
  flagsAgent: fields.flagsAgent.default(false),
  optsOut: fields.optsOut.default(false),
  active: fields.active.default(true),
});

export const updateRuleBody = z
  .object({
    name: fields.name.optional(),
    keywords: fields.keywords.optional(),
    response: fields.response.optional(),
    priority: fields.priority.optional(),
    flagsAgent: fields.flagsAgent.optional(),
    optsOut: fields.optsOut.optional(),
    active: fields.active.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change');

export const ruleIdParams = z.object({ id: z.uuid('must be a rule id (uuid)') });

export const listRulesQuery = z.object({
  active: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true'))
    .describe('Only active (true) or inactive (false) rules'),
});

export const ruleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  keywords: z.array(z.string()),
  response: z.string(),
  priority: z.number().int(),
  flagsAgent: z.boolean(),
  optsOut: z.boolean(),
  active: z.boolean(),
  createdAt: z.string().describe('ISO 8601'),
  updatedAt: z.string().describe('ISO 8601'),
});

export const ruleListSchema = z.object({ rules: z.array(ruleSchema).describe('Highest priority (1) first') });

export type RuleView = z.infer<typeof ruleSchema>;
export type CreateRuleInput = z.infer<typeof createRuleBody>;
export type UpdateRuleInput = z.infer<typeof updateRuleBody>;
