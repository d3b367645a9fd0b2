// Request and response shapes of the contacts API: what agents call a customer and keep about them.
import { z } from 'zod';
import { textField } from '../../routing/text-field.ts';

export const MAX_CONTACT_NAME = 120;
export const MAX_CONTACT_NOTES = 2000;

export const contactIdParams = z.object({ id: z.uuid('must be a contact id (uuid)') });

/** Blank text clears the field, as null does. */
const blankIsNull = (text: string | null) => (text === null || text.trim() === '' ? null : text);

export const updateContactBody = z
  .object({
    name: textField({ maxLength: MAX_CONTACT_NAME })
      .transform((name) => name.trim())
      .nullable()
      .optional()
      .transform((name) => (name === undefined ? undefined : blankIsNull(name)))
      .meta({ description: `What agents call the customer, at most ${MAX_CONTACT_NAME} characters (trimmed); null or blank clears it` }),
    notes: textField({ maxLength: MAX_CONTACT_NOTES })
      .nullable()
      .optional()
      .transform((notes) => (notes === undefined ? undefined : blankIsNull(notes)))
      .meta({ description: `Notes about the customer, at most ${MAX_CONTACT_NOTES} characters; null or blank clears them` }),
  })
  .refine((body) => body.name !== undefined || body.notes !== undefined, 'give name or notes')
  // The same rule for the document (as PATCH /api/rules): at least one of the fields is present.
  .meta({ anyOf: [{ required: ['name'] }, { required: ['notes'] }] });

export const contactSchema = z.object({
  id: z.string(),
  phoneNumber: z.string(),
  name: z.string().nullable(),
  notes: z.string().nullable(),
  optedOut: z.boolean(),
  optedOutAt: z.iso.datetime().nullable().meta({ description: 'ISO 8601' }),
  createdAt: z.iso.datetime().meta({ description: 'ISO 8601' }),
});

export type UpdateContactInput = z.infer<typeof updateContactBody>;
