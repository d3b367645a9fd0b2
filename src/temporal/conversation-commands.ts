// What the agent API asks of a conversation's workflow: updates (started on demand, so a
// closed conversation whose workflow has finished still answers) and the live-state query.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { CONVERSATION_WORKFLOW_TYPE, stateQuery } from '../shared/conversation-definitions.ts';
import type { ConversationState } from '../shared/conversation-types.ts';
import { conversationWorkflowId } from '../shared/workflow-id.ts';
import { conversationStart } from './conversation-start.ts';

export interface ConversationKey {
  businessNumber: string;
  customerNumber: string;
}

export interface ConversationCommands {
  update<Ret, Arg>(conversation: ConversationKey, update: UpdateDefinition<Ret, [Arg]>, arg: Arg): Promise<Ret>;
  /** The live state, or null when no run of the conversation's workflow is running. */
  state(conversation: ConversationKey): Promise<ConversationState | null>;
}

export function createConversationCommands(client: Client, taskQueue: string): ConversationCommands {
  return {
    async update(conversation, update, arg) {
      const startWorkflowOperation = new WithStartWorkflowOperation(CONVERSATION_WORKFLOW_TYPE, {
        ...conversationStart(conversation.businessNumber, conversation.customerNumber, taskQueue),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      return client.workflow.executeUpdateWithStart(update, { args: [arg], startWorkflowOperation });
    },

    async state(conversation) {
      const handle = client.workflow.getHandle(conversationWorkflowId(conversation.businessNumber, conversation.customerNumber));
      try {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return null;
        return await handle.query(stateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
  };
}
