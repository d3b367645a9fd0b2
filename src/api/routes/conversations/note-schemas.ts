// Internal notes: what agents write on a conversation for each other. Never sent to the customer.
import { z } from 'zod';
import { NOT_BLANK, textField } from '../../routing/text-field.ts';

export const MAX_NOTE_LENGTH = 4000;

export const addNoteBody = z.object({
  body: textField({ minLength: 1, maxLength: MAX_NOTE_LENGTH, pattern: NOT_BLANK, patternMessage: 'must not be blank' })
    .transform((body) => body.trim())
    .meta({ description: `The note, 1 to ${MAX_NOTE_LENGTH} characters; surrounding whitespace is removed` }),
});

export const noteSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  body: z.string(),
  createdAt: z.iso.datetime().meta({ description: 'ISO 8601' }),
});
