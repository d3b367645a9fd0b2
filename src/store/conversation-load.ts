// What a conversation workflow loads when it starts: the stored conversation (if any) and the
// customer's opt-out state, in one statement (it runs at the start of every run, so its round
// trips count; Prisma's relation reads made it four).
import type { Database } from '../infra/database.ts';
import type { ConversationStatus } from '../shared/conversation-types.ts';

export interface StoredConversationState {
  conversation: {
    id: string;
    status: ConversationStatus;
    assignedAgentId: string | null;
    assignedAgentName: string | null;
    needsAttention: boolean;
    attentionReason: string | null;
    agentHasReplied: boolean;
  } | null;
  optedOut: boolean;
}

interface Row {
  id: string | null;
  status: ConversationStatus | null;
  assigned_agent_id: string | null;
  assigned_agent_name: string | null;
  needs_attention: boolean | null;
  attention_reason: string | null;
  agent_has_replied: boolean | null;
  opted_out: boolean | null;
}

export async function loadConversationState(
  db: Database,
  key: { businessNumber: string; customerNumber: string },
): Promise<StoredConversationState> {
  // The one-row FROM keeps a row when neither the conversation nor the contact exists yet.
  const [row] = await db.$queryRaw<Row[]>`
    SELECT c.id, c.status::text AS status, c.assigned_agent_id, a.name AS assigned_agent_name,
           c.needs_attention, c.attention_reason,
           -- Whether a person ever answered: picks the first-reply or follow-up SLA target.
           EXISTS (
             SELECT 1 FROM messages m
             WHERE m.conversation_id = c.id AND m.author = 'agent' AND m.direction = 'outbound'
           ) AS agent_has_replied,
           k.opted_out
    FROM (SELECT 1) AS one
    LEFT JOIN conversations c ON c.business_number = ${key.businessNumber} AND c.customer_number = ${key.customerNumber}
    LEFT JOIN agents a ON a.id = c.assigned_agent_id
    LEFT JOIN contacts k ON k.phone_number = ${key.customerNumber}`;
  if (!row) throw new Error('loading a conversation returned no row');
  const conversation = row.id === null
    ? null
    : {
        id: row.id,
        status: row.status as ConversationStatus,
        assignedAgentId: row.assigned_agent_id,
        assignedAgentName: row.assigned_agent_name,
        needsAttention: row.needs_attention ?? false,
        attentionReason: row.attention_reason,
        agentHasReplied: row.agent_has_replied ?? false,
      };
  return { conversation, optedOut: row.opted_out ?? false };
}
