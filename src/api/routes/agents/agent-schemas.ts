// Request and response shapes of the agents API.
import { z } from 'zod';

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

export const createAgentBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email('must be an email address').max(254, 'must be at most 254 characters'))
    .describe('Unique (case-insensitive; stored lower-cased)'),
  role: z.enum(['agent', 'admin']).default('agent'),
});

export const agentIdParams = z.object({ id: z.uuid('must be an agent id (uuid)') });

export type AgentView = z.infer<typeof agentSchema>;
export type CreateAgentInput = z.infer<typeof createAgentBody>;
