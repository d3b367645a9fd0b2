// Who is acting, as the workflow needs it: for ownership checks (role) and the audit trail and
// Temporal UI (name).
import type { ActingAgent } from '../../../shared/conversation-types.ts';
import type { AuthenticatedAgent } from '../../auth/authenticate.ts';

export function actingAs(agent: AuthenticatedAgent): ActingAgent & { actingAgentId: string } {
  return { actingAgentId: agent.id, actingAgentName: agent.name, actingRole: agent.role };
}
