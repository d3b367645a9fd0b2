// A test SMS goes through the conversation with that number like any agent reply: recorded
// before it is sent, refused for an opted-out customer, and visible in the conversation.
import { reopenUpdate, sendMessageUpdate } from '../../../shared/conversation-definitions.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { HttpError } from '../../http-error.ts';
import { viaWorkflow } from '../../temporal-errors.ts';

export interface TestSmsRequest {
  phoneNumber: string;
  message: string;
  agentId: string;
}

export interface TestSmsResult {
  sid: string | null;
  status: string;
  messageId: string;
}

export async function sendTestSms(deps: ApiDeps, request: TestSmsRequest): Promise<TestSmsResult> {
  const businessNumber = deps.twilio.config.phoneNumber;
  if (!businessNumber) {
    throw new HttpError(
      422,
      'no_phone_number',
      'No business phone number is configured (TWILIO_PHONE_NUMBER); a test SMS needs a number to send from',
    );
  }
  if (request.phoneNumber === businessNumber) {
    throw new HttpError(400, 'invalid_phone_number', 'Send the test SMS to a phone other than the business number');
  }
  const conversation = { businessNumber, customerNumber: request.phoneNumber };
  await reopenIfClosed(deps, conversation, request.agentId);
  const result = await viaWorkflow(() =>
    deps.commands.update(conversation, sendMessageUpdate, { body: request.message, agentId: request.agentId }),
  );
  return { sid: result.twilioSid, status: result.status, messageId: result.messageId };
}

async function reopenIfClosed(deps: ApiDeps, conversation: { businessNumber: string; customerNumber: string }, agentId: string) {
  const stored = await deps.db.conversation.findUnique({
    where: { businessNumber_customerNumber: conversation },
    select: { status: true },
  });
  if (stored?.status !== 'closed') return;
  try {
    await viaWorkflow(() => deps.commands.update(conversation, reopenUpdate, { actingAgentId: agentId, reason: 'Test SMS' }));
  } catch (error) {
    // Reopened meanwhile (a customer's text, another admin): open is what we wanted.
    if (error instanceof HttpError && error.code === 'conversation_open') return;
    throw error;
  }
}
