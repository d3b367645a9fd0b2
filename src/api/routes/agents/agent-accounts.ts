// Agent accounts and their tokens, shared by the agents API and the admin bootstrap command.
// A token is returned exactly once, when issued; only its hash is stored.
import type { Agent } from '../../../generated/prisma/client.ts';
import type { Database } from '../../../infra/database.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { revokeAgentSessions } from '../../auth/sessions.ts';
import { generateToken, hashToken } from '../../auth/tokens.ts';
import { HttpError } from '../../http-error.ts';
import { isUniqueViolation } from '../rules/prisma-unique-violation.ts';
import type { AgentView, CreateAgentInput } from './agent-schemas.ts';

export interface AgentWithToken {
  agent: AgentView;
  token: string;
}

export function toAgentView(agent: Agent): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    role: agent.role,
    active: agent.active,
    createdAt: agent.createdAt.toISOString(),
  };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function emailTaken(email: string): HttpError {
  return new HttpError(409, 'email_taken', `An agent with email ${email} already exists`);
}

export function agentNotFound(id: string): HttpError {
  return new HttpError(404, 'agent_not_found', `No agent has id ${id}`);
}

export async function findAgentByEmail(db: Database, email: string): Promise<Agent | null> {
  return db.agent.findUnique({ where: { email: normaliseEmail(email) } });
}

export async function createAgentWithToken(db: Database, input: CreateAgentInput): Promise<AgentWithToken> {
  const email = normaliseEmail(input.email);
  if (await findAgentByEmail(db, email)) throw emailTaken(email);
  const token = generateToken();
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  try {
    const agent = await db.agent.create({
      data: { name: input.name, email, role: input.role, passwordHash, tokens: { create: { tokenHash: hashToken(token) } } },
    });
    return { agent: toAgentView(agent), token };
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken(email);
    throw error;
  }
}

/**
 * A new token for the agent. `revokeOthers` (rotation) revokes every earlier token in the same
 * transaction, so there is no moment with both or neither working.
 */
export async function issueToken(db: Database, agentId: string, options: { revokeOthers: boolean }): Promise<AgentWithToken> {
  const token = generateToken();
  return db.$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({ where: { id: agentId } });
    if (!agent) throw agentNotFound(agentId);
    if (!agent.active) throw new HttpError(409, 'agent_inactive', 'The agent is deactivated; a token for it would not work');
    if (options.revokeOthers) {
      await tx.agentToken.updateMany({ where: { agentId, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    await tx.agentToken.create({ data: { agentId, tokenHash: hashToken(token) } });
    return { agent: toAgentView(agent), token };
  });
}

/**
 * Sets the agent's console password and revokes its sessions but `keepSessionId` (the caller's
 * own, when agents change their own password), so a password reset also signs out whoever
 * knew the old one.
 */
export async function setAgentPassword(db: Database, agentId: string, password: string, keepSessionId?: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const updated = await tx.agent.updateMany({ where: { id: agentId }, data: { passwordHash } });
    if (updated.count === 0) throw agentNotFound(agentId);
    await revokeAgentSessions(tx, agentId, keepSessionId);
  });
}

/**
 * Deactivates the agent and revokes its tokens. Authentication already refuses a deactivated
 * agent's tokens; revoking them as well keeps them dead if the agent is ever reactivated.
 */
export async function deactivateAgent(db: Database, agentId: string): Promise<AgentView> {
  return db.$transaction(async (tx) => {
    const existing = await tx.agent.findUnique({ where: { id: agentId }, select: { id: true } });
    if (!existing) throw agentNotFound(agentId);
    const agent = await tx.agent.update({ where: { id: agentId }, data: { active: false } });
    await tx.agentToken.updateMany({ where: { agentId, revokedAt: null }, data: { revokedAt: new Date() } });
    // Authentication checks `active` on every request anyway; ended sessions stay ended on reactivation.
    await revokeAgentSessions(tx, agentId);
    return toAgentView(agent);
  });
}
