// Request and response shapes of the auto-response rules API.
import { z } from 'zod';
import { NOT_BLANK, textField } from '../../routing/text-field.ts';
import { MAX_BODY_CHARACTERS } from '../../../shared/message-limits.ts';

export const MAX_KEYWORDS = 50;
export const MAX_KEYWORD_LENGTH = 100;
// zod's max counts UTF-16 code units, as Twilio counts its 1600 (src/shared/message-limits.ts).
export const MAX_RESPONSE_LENGTH = MAX_BODY_CHARACTERS;

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

/** Matching works on runs of letters and digits; a keyword without any could never match. */
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const keyword = textField({
  minLength: 1,
  maxLength: MAX_KEYWORD_LENGTH,
  pattern: HAS_LETTER_OR_DIGIT,
  patternMessage: 'must contain a letter or a digit',
  description: 'A word or phrase holding at least one letter or digit; surrounding whitespace is removed',
}).transform((value) => value.trim());

const fields = {
  name: textField({ minLength: 1, maxLength: 100, pattern: NOT_BLANK, patternMessage: 'must not be blank' }).transform((name) => name.trim()),
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
    .refine((value) => NOT_BLANK.test(value), 'must not be blank')
    .meta({ description: 'The auto-reply text', pattern: NOT_BLANK.source }),
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

export const RULE_TRIGGERS = ['keyword', 'after_hours'] as const;

const triggerField = z
  .enum(RULE_TRIGGERS)
  .describe('keyword: answers texts holding one of its keywords; after_hours: answers a text that arrives outside business hours (BUSINESS_HOURS), at most once per closed period per conversation, and has no keywords');

export const createRuleBody = z.object({
  name: fields.name,
  // Required for keyword rules, absent for after-hours ones: the route checks the pair (422).
  keywords: fields.keywords.optional(),
  response: fields.response,
  priority: fields.priority,
  flagsAgent: fields.flagsAgent.default(false),
  optsOut: fields.optsOut.default(false),
  active: fields.active.default(true),
  trigger: triggerField.default('keyword'),
});

const RULE_FIELDS = ['name', 'keywords', 'response', 'priority', 'flagsAgent', 'optsOut', 'active'] as const;

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
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change')
  // The same rule for the document: at least one of the fields is present.
  .meta({ anyOf: RULE_FIELDS.map((field) => ({ required: [field] })) });

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
  trigger: z.enum(RULE_TRIGGERS),
  createdAt: z.string().describe('ISO 8601'),
  updatedAt: z.string().describe('ISO 8601'),
});

export const ruleListSchema = z.object({ rules: z.array(ruleSchema).describe('Highest priority (1) first') });

export type RuleView = z.infer<typeof ruleSchema>;
export type CreateRuleInput = z.infer<typeof createRuleBody>;
export type UpdateRuleInput = z.infer<typeof updateRuleBody>;
