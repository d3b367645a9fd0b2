// Request and response shapes of the canned replies API.
import { z } from 'zod';
import { NOT_BLANK, textField } from '../../routing/text-field.ts';
import { messageBodyField } from '../conversations/schemas.ts';

export const SHORTCUT_PATTERN = /^[a-z0-9_-]{1,32}$/;

const fields = {
  shortcut: textField({
    pattern: SHORTCUT_PATTERN,
    patternMessage: 'must be 1 to 32 lowercase letters, digits, - or _',
    description: 'What agents type to insert it (e.g. `/refund-policy`): 1 to 32 of a-z, 0-9, - and _',
  }),
  title: textField({ minLength: 1, maxLength: 80, pattern: NOT_BLANK, patternMessage: 'must not be blank' }).transform((title) => title.trim()),
  // Inserted into replies, so it must be a body a reply may have (checked by checkMessageBody).
  body: messageBodyField,
};

export const createCannedReplyBody = z.object({
  shortcut: fields.shortcut,
  title: fields.title,
  body: fields.body,
  shared: z.boolean().default(false).meta({ description: 'Shared with every agent (admins only); otherwise the caller’s own' }),
});

const UPDATABLE = ['shortcut', 'title', 'body'] as const;

export const updateCannedReplyBody = z
  .object({
    shortcut: fields.shortcut.optional(),
    title: fields.title.optional(),
    body: fields.body.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'give at least one field to change')
  // The same rule for the document (as PATCH /api/rules): at least one of the fields is present.
  .meta({ anyOf: UPDATABLE.map((field) => ({ required: [field] })) });

export const cannedReplyIdParams = z.object({ id: z.uuid('must be a canned reply id (uuid)') });

export const cannedReplySchema = z.object({
  id: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  shared: z.boolean(),
  ownerAgentId: z.string().nullable().meta({ description: 'The owner of a personal reply; null for a shared one' }),
  createdAt: z.iso.datetime().meta({ description: 'ISO 8601' }),
  updatedAt: z.iso.datetime().meta({ description: 'ISO 8601' }),
});

export const cannedReplyListSchema = z.object({
  cannedReplies: z.array(cannedReplySchema).meta({ description: 'The shared replies and the caller’s own, by shortcut' }),
});

export type CreateCannedReplyInput = z.infer<typeof createCannedReplyBody>;
export type UpdateCannedReplyInput = z.infer<typeof updateCannedReplyBody>;
