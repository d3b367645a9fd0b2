// Hands inbound messages and status callbacks to a conversation's workflow, starting it when
// it is not running. Used by the webhooks; the only place signal-with-start is spelled out.
import type { Client } from '@temporalio/client';
import { CONVERSATION_WORKFLOW_TYPE, inboundMessageSignal, statusCallbackSignal } from '../shared/conversation-definitions.ts';
import type { InboundSms, StatusCallbackReport } from '../shared/conversation-types.ts';
import { conversationStart } from './conversation-start.ts';

/** Twilio waits 15 s for our answer; Temporal must have the message well before that. */
const HANDOFF_DEADLINE_MS = 5_000;

export interface ConversationGateway {
  deliverInbound(sms: InboundSms): Promise<string>;
  /** A status callback's From is our business number and its To the customer. */
  deliverStatus(businessNumber: string, customerNumber: string, report: StatusCallbackReport): Promise<string>;
}

export function createConversationGateway(client: Client, taskQueue: string): ConversationGateway {
  const startOptions = (businessNumber: string, customerNumber: string) => conversationStart(businessNumber, customerNumber, taskQueue);

  async function withDeadline(run: () => Promise<unknown>): Promise<void> {
    await client.connection.withDeadline(Date.now() + HANDOFF_DEADLINE_MS, run);
  }

  return {
    async deliverInbound(sms) {
      const options = startOptions(sms.to, sms.from);
      await withDeadline(() =>
        client.workflow.signalWithStart(CONVERSATION_WORKFLOW_TYPE, { ...options, signal: inboundMessageSignal, signalArgs: [sms] }),
      );
      return options.workflowId;
    },
    async deliverStatus(businessNumber, customerNumber, report) {
      const options = startOptions(businessNumber, customerNumber);
      await withDeadline(() =>
        client.workflow.signalWithStart(CONVERSATION_WORKFLOW_TYPE, { ...options, signal: statusCallbackSignal, signalArgs: [report] }),
      );
      return options.workflowId;
    },
  };
}
