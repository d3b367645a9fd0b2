// Agents and their API tokens. Everyone may see who works here (to show assignees); only admins
// add or deactivate agents; an agent may rotate its own token, an admin anyone's.
import type { ApiDeps } from '../api-deps.ts';
import { HttpError } from '../http-error.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { agentNotFound, createAgentWithToken, deactivateAgent, issueToken, setAgentPassword, toAgentView } from './agents/agent-accounts.ts';
import { agentIdParams, agentListSchema, agentSchema, agentWithTokenSchema, createAgentBody, setPasswordBody } from './agents/agent-schemas.ts';

const TAG = 'Agents';

export function registerAgentRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/agents',
    summary: 'List agents',
    tag: TAG,
    access: 'agent',
    response: { status: 200, description: 'Every agent, deactivated ones included', schema: agentListSchema },
    async handle() {
      const agents = await db.agent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return { agents: agents.map(toAgentView) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/agents/me',
    summary: 'The agent this token belongs to',
    tag: TAG,
    access: 'agent',
    response: { status: 200, description: 'The calling agent', schema: agentSchema },
    async handle(_ctx, { agent }) {
      const found = await db.agent.findUnique({ where: { id: agent.id } });
      // Authentication just found it; only a concurrent delete could make this miss.
      if (!found) throw agentNotFound(agent.id);
      return toAgentView(found);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/agents',
    summary: 'Add an agent and issue its first token',
    tag: TAG,
    access: 'admin',
    body: createAgentBody,
    response: { status: 201, description: 'The agent and its token (shown only here)', schema: agentWithTokenSchema },
    errors: { 409: 'An agent already has this email (email_taken)' },
    async handle(_ctx, { body }) {
      return createAgentWithToken(db, body);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/agents/:id/deactivate',
    summary: 'Deactivate an agent; its tokens stop working at once',
    tag: TAG,
    access: 'admin',
    params: agentIdParams,
    response: { status: 200, description: 'The deactivated agent (deactivating twice is harmless)', schema: agentSchema },
    errors: {
      404: 'No agent has this id (agent_not_found)',
      409: 'An admin cannot deactivate themself (cannot_deactivate_self), so an admin always remains',
    },
    async handle(_ctx, { params, agent }) {
      if (params.id === agent.id) {
        throw new HttpError(409, 'cannot_deactivate_self', 'You cannot deactivate yourself; ask another admin');
      }
      return deactivateAgent(db, params.id);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/agents/:id/password',
    summary: "Set an agent's console password and end its other sessions (admins: anyone; agents: themselves, with currentPassword)",
    tag: TAG,
    access: 'agent',
    params: agentIdParams,
    body: setPasswordBody,
    response: { status: 204, description: 'Set; every session of the agent but the caller’s own is ended' },
    errors: {
      403: 'Agents may set only their own password (forbidden), and must give their present one as currentPassword (invalid_credentials)',
      404: 'No agent has this id (agent_not_found)',
    },
    async handle(_ctx, { params, body, agent }) {
      if (agent.role !== 'admin') {
        if (params.id !== agent.id) throw new HttpError(403, 'forbidden', 'Only an admin may set another agent’s password');
        const self = await db.agent.findUnique({ where: { id: agent.id }, select: { passwordHash: true } });
        const matches = await verifyPassword(self?.passwordHash, body.currentPassword ?? '');
        if (!matches) throw new HttpError(403, 'invalid_credentials', 'currentPassword is not your present password');
      }
      await setAgentPassword(db, params.id, body.password, agent.via === 'session' && params.id === agent.id ? agent.session.id : undefined);
      return undefined;
    },
  });

  routes.add({
    method: 'post',
    path: '/api/agents/:id/rotate-token',
    summary: "Issue a new token and revoke all the agent's earlier ones (admins: any agent; agents: themselves)",
    tag: TAG,
    access: 'agent',
    params: agentIdParams,
    response: { status: 200, description: 'The agent and its new token (shown only here)', schema: agentWithTokenSchema },
    errors: {
      403: "Agents may rotate only their own token (forbidden)",
      404: 'No agent has this id (agent_not_found)',
      409: 'The agent is deactivated (agent_inactive)',
    },
    async handle(_ctx, { params, agent }) {
      if (agent.role !== 'admin' && params.id !== agent.id) {
        throw new HttpError(403, 'forbidden', 'Only an admin may rotate another agent’s token');
      }
      return issueToken(db, params.id, { revokeOthers: true });
    },
  });
}
