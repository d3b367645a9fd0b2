// Request and response shapes of the agents API.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, newPasswordField } from '../../auth/passwords.ts';
import { allowingPadding, NOT_BLANK, textField } from '../../routing/text-field.ts';

export const agentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'admin']),
  active: z.boolean(),
  createdAt: z.string().describe('ISO 8601'),
});

export const agentListSchema = z.object({ agents: z.array(agentSchema).describe('Oldest first; deactivated agents included') });

export const agentWithTokenSchema = z.object({
  agent: agentSchema,
  token: z.string().describe('The API token. Shown only in this answer: it is stored as a hash and cannot be read again'),
});

/** zod's own email rule (z.email()), allowing the whitespace that is trimmed away. */
const EMAIL_PATTERN = allowingPadding(z.regexes.email);

export const createAgentBody = z.object({
  name: textField({ minLength: 1, maxLength: 100, pattern: NOT_BLANK, patternMessage: 'must not be blank' }).transform((name) => name.trim()),
  email: textField({
    maxLength: 254,
    pattern: EMAIL_PATTERN,
    patternMessage: 'must be an email address',
    description: 'Unique (case-insensitive; stored lower-cased, surrounding whitespace removed)',
  }).transform((email) => email.trim().toLowerCase()),
  role: z.enum(['agent', 'admin']).default('agent'),
  password: newPasswordField.optional().meta({ description: 'A console sign-in password (12..256 characters, else 400 weak_password); without it the agent has API tokens only until one is set' }),
});

export const setPasswordBody = z.object({
  currentPassword: textField({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH })
    .optional()
    .meta({ description: 'The agent’s present password: required when agents set their own (admins need not give it)' }),
  password: newPasswordField,
});

export const agentIdParams = z.object({ id: z.uuid('must be an agent id (uuid)') });

export type AgentView = z.infer<typeof agentSchema>;
export type CreateAgentInput = z.infer<typeof createAgentBody>;
