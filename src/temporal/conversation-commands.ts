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

/** How often an update is tried while the run it reached is closing (continue-as-new, the end of a linger). */
const RUN_CHANGE_ATTEMPTS = 4;

/**
 * The update reached a run that is closing — continuing as new, or finishing after a closed
 * conversation's linger — and Temporal refused it before applying anything: asked again a
 * moment later it reaches the next run (or starts one). Temporal says so with
 * RESOURCE_EXHAUSTED ("workflow is closing", the same code as its rate limiting, which a short
 * pause also serves) or FAILED_PRECONDITION with that message; the SDK wraps the gRPC error.
 */
function runIsClosing(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; details?: unknown; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (current.code === GRPC_RESOURCE_EXHAUSTED) return true;
    // The run's last workflow task failed under the update (it tried to complete as the update
    // came in, "unexpected workflow task failure"): the next attempt meets the task's retry or a new run.
    if (current.code === GRPC_FAILED_PRECONDITION) return true;
    if (/workflow is closing/i.test(`${String(current.message ?? '')} ${String(current.details ?? '')}`)) return true;
  }
  return false;
}

const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;

export function createConversationCommands(client: Client, taskQueue: string): ConversationCommands {
  return {
    async update(conversation, update, arg) {
      for (let attempt = 1; ; attempt++) {
        // A with-start operation is single-use: each attempt makes its own.
        const startWorkflowOperation = new WithStartWorkflowOperation(CONVERSATION_WORKFLOW_TYPE, {
          ...conversationStart(conversation.businessNumber, conversation.customerNumber, taskQueue),
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        try {
          return await client.workflow.executeUpdateWithStart(update, { args: [arg], startWorkflowOperation });
        } catch (error) {
          if (attempt >= RUN_CHANGE_ATTEMPTS || !runIsClosing(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
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
