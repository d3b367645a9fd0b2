// POST /api/conversations: an agent texts a customer first. The workflow is started by the
// send itself (update-with-start) and stores the conversation; an existing conversation with
// the number is reused, reopened when closed, and the caller takes it unless someone holds it.
import { z } from 'zod';
import type { ConversationState } from '../../../shared/conversation-types.ts';
import { assignUpdate, reopenUpdate } from '../../../shared/conversation-definitions.ts';
import type { ConversationKey } from '../../../temporal/conversation-commands.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { AuthenticatedAgent } from '../../auth/authenticate.ts';
import { HttpError } from '../../http-error.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { actingAs } from './acting-agent.ts';
import { conversationDetail } from './conversation-detail.ts';
import { BODY_LIMIT_ERRORS, checkMessageBody, checkPhoneNumber } from './message-rules.ts';
import { conversationDetailSchema, messageBodyField, messageSchema, phoneNumberField } from './schemas.ts';
import { refuseIfOptedOut, SEND_ERRORS, sendThroughWorkflow, storedMessageJson } from './send-message.ts';
import { auditingOptOutRefusal } from './send-refusal-audit.ts';
import { chooseSender, configuredSenders } from './sender-rules.ts';

/** The document lists the configured senders, the only business numbers chooseSender takes. */
function startBody(senders: string[]) {
  return z.object({
    customerNumber: phoneNumberField,
    businessNumber: phoneNumberField.optional().meta({
      description: 'E.164; one of the configured senders (TWILIO_PHONE_NUMBER, TWILIO_SENDER_NUMBERS), by default TWILIO_PHONE_NUMBER',
      ...(senders.length > 0 ? { enum: senders } : {}),
    }),
    body: messageBodyField,
  });
}

const startResponse = z.object({ conversation: conversationDetailSchema, message: messageSchema });

/** Reopens a closed conversation before the send; one reopened meanwhile (by the customer) is fine. */
async function reopenIfClosed(deps: ApiDeps, key: ConversationKey, agent: AuthenticatedAgent): Promise<void> {
  try {
    await viaWorkflow(() => deps.commands.update(key, reopenUpdate, actingAs(agent)));
  } catch (error) {
    if (!(error instanceof HttpError && error.code === 'conversation_open')) throw error;
  }
}

/**
 * Takes the conversation for the caller after the message went out. The message is sent by
 * then, so a refusal (another agent took it meanwhile) must not turn the answer into an error
 * that invites a second send: the answer shows who holds the conversation instead.
 */
async function takeUnlessHeld(deps: ApiDeps, key: ConversationKey, agent: AuthenticatedAgent): Promise<ConversationState | undefined> {
  try {
    return await viaWorkflow(() => deps.commands.update(key, assignUpdate, { agentId: agent.id, agentName: agent.name, ...actingAs(agent) }));
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) {
      deps.log.info({ code: error.code }, 'conversation not assigned to the agent who started it');
      return undefined;
    }
    throw error;
  }
}

export function registerStartConversation(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/api/conversations',
    summary: 'Start a conversation: send the first message to a customer; the caller takes the conversation',
    tag: 'Conversations',
    access: 'agent',
    body: startBody(configuredSenders(deps.twilio.config)),
    response: {
      status: 201,
      description: 'The first message was accepted by Twilio; the conversation (reused and reopened if one existed) and the message',
      schema: startResponse,
    },
    errors: {
      400: `Invalid request (validation_failed), a number that is not E.164 (invalid_phone_number), no business number given or configured (business_number_required), an empty or whitespace-only body (invalid_message), or ${BODY_LIMIT_ERRORS}`,
      ...SEND_ERRORS,
      422: `A businessNumber that is not one of the configured senders (sender_not_allowed; \`error.details.allowedSenders\` lists them), or ${SEND_ERRORS[422]}`,
      409: 'The customer has opted out (customer_opted_out; recorded as a send_refused audit event when a conversation exists), or the conversation was closed again while this request reopened it (conversation_closed)',
    },
    async handle(_ctx, { body, agent }) {
      checkPhoneNumber(body.customerNumber, 'body.customerNumber');
      const key = { businessNumber: chooseSender(deps.twilio.config, body.businessNumber), customerNumber: body.customerNumber };
      checkMessageBody(body.body);

      const existing = await deps.db.conversation.findUnique({ where: { businessNumber_customerNumber: key } });
      const sent = await auditingOptOutRefusal(deps.db, { conversationId: existing?.id, agentId: agent.id, body: body.body }, async () => {
        // Before the reopen: a conversation with an opted-out customer stays as it is.
        await refuseIfOptedOut(deps, key.customerNumber);
        if (existing?.status === 'closed') await reopenIfClosed(deps, key, agent);
        return sendThroughWorkflow(deps, { key, agentId: agent.id, acting: actingAs(agent), body: body.body });
      });
      const heldByAnother = existing?.assignedAgentId != null && existing.assignedAgentId !== agent.id;
      const live = heldByAnother ? undefined : await takeUnlessHeld(deps, key, agent);

      const stored = await deps.db.conversation.findUniqueOrThrow({ where: { businessNumber_customerNumber: key }, select: { id: true } });
      const [conversation, message] = await Promise.all([conversationDetail(deps, stored.id, agent.id, live), storedMessageJson(deps, sent)]);
      return { conversation, message };
    },
  });
}
