// How a conversation's workflow is started, wherever it is started from (a webhook's
// signal-with-start, an agent's update-with-start): its id, its input and what ops see of it in
// the Temporal UI's list before opening it.
import { conversationWorkflowId } from '../shared/workflow-id.ts';
import type { ConversationWorkflowInput } from '../workflows/conversation-state.ts';

export interface ConversationStart {
  workflowId: string;
  taskQueue: string;
  args: [ConversationWorkflowInput];
  /** One line in the Temporal UI: who is texting which of our numbers. */
  staticSummary: string;
}

export function conversationStart(businessNumber: string, customerNumber: string, taskQueue: string): ConversationStart {
  return {
    workflowId: conversationWorkflowId(businessNumber, customerNumber),
    taskQueue,
    args: [{ businessNumber, customerNumber }],
    staticSummary: `SMS with ${customerNumber} on ${businessNumber}`,
  };
}
