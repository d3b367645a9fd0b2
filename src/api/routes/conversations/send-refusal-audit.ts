// A send refused because the customer opted out is a compliance fact: which agent tried, and
// when, goes on the conversation's audit trail even though nothing was sent.
import type { Database } from '../../../infra/database.ts';
import { HttpError } from '../../http-error.ts';

export const OPTED_OUT_CODE = 'customer_opted_out';

export function customerOptedOut(): HttpError {
  return new HttpError(409, OPTED_OUT_CODE, 'The customer has opted out; nothing can be sent to them');
}

export async function recordSendRefused(db: Database, input: { conversationId: string; agentId: string; body: string; reason: string }): Promise<void> {
  await db.conversationEvent.create({
    data: {
      conversationId: input.conversationId,
      type: 'send_refused',
      agentId: input.agentId,
      // The length, not the text: the audit trail needs the attempt, not the content.
      data: { reason: input.reason, bodyLength: [...input.body].length },
    },
  });
}

/**
 * Runs a send; when it is refused because the customer opted out, records the attempt before
 * the refusal goes back to the agent.
 */
export async function auditingOptOutRefusal<T>(
  db: Database,
  attempt: { conversationId: string | undefined; agentId: string; body: string },
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof HttpError && error.code === OPTED_OUT_CODE && attempt.conversationId) {
      await recordSendRefused(db, { conversationId: attempt.conversationId, agentId: attempt.agentId, body: attempt.body, reason: OPTED_OUT_CODE });
    }
    throw error;
  }
}
