// The first admin (or a lost admin token) cannot come from the API, which needs a token: this is
// the way in. It writes through the same functions the agents API uses.
import type { Database } from '../infra/database.ts';
import {
  createAgentWithToken,
  findAgentByEmail,
  issueToken,
  setAgentPassword,
  type AgentWithToken,
} from '../api/routes/agents/agent-accounts.ts';
import { CommandFailed, UsageError } from './cli-run.ts';

export interface BootstrapResult extends AgentWithToken {
  created: boolean;
}

export async function bootstrapAdmin(db: Database, input: { name?: string; email: string; password?: string }): Promise<BootstrapResult> {
  const existing = await findAgentByEmail(db, input.email);
  if (existing) {
    if (existing.role !== 'admin') {
      throw new CommandFailed(
        `${existing.email} belongs to an agent without the admin role; this command only creates admins or issues tokens to them`,
      );
    }
    if (!existing.active) throw new CommandFailed(`The admin ${existing.email} is deactivated; no token was issued`);
    // Earlier tokens keep working: this recovers access, it does not rotate (the API does that).
    const issued = await issueToken(db, existing.id, { revokeOthers: false });
    if (input.password !== undefined) await setAgentPassword(db, existing.id, input.password);
    return { ...issued, created: false };
  }
  if (!input.name) throw new UsageError(`No agent has the email ${input.email}; give --name to create an admin`);
  const created = await createAgentWithToken(db, { name: input.name, email: input.email, role: 'admin', password: input.password });
  return { ...created, created: true };
}
