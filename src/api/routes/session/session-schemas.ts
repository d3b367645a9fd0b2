// Request and response shapes of the console sign-in routes.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../auth/passwords.ts';
import { textField } from '../../routing/text-field.ts';

export const signInBody = z.object({
  // Not checked for shape: any text that is not an agent's email is simply wrong (401).
  email: textField({ minLength: 1, maxLength: 254, description: 'The agent’s email (case-insensitive)' }),
  password: textField({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
});

export const sessionAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'admin']),
});

export const sessionSchema = z.object({
  agent: sessionAgentSchema,
  csrfToken: z.string().meta({ description: 'Send it as the X-CSRF-Token header on every request other than GET/HEAD/OPTIONS' }),
  expiresAt: z.iso.datetime().meta({ description: 'ISO 8601; sign in again after it' }),
});
