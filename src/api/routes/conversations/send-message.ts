// POST /api/conversations/:id/messages: an agent's reply, sent through the conversation's
// workflow (which records it before calling Twilio) and answered once Twilio accepted it, or
// after a second with the recorded `pending` message while Twilio is being retried.
import { z } from 'zod';
import { scheduleMessageUpdate, sendMessageUpdate } from '../../../shared/conversation-definitions.ts';
import type { ActingAgent, OutboundMessageResult } from '../../../shared/conversation-types.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { mediaUrlPolicy } from '../../media-url-policy.ts';
import type { ConversationKey } from '../../../temporal/conversation-commands.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { actingAs } from './acting-agent.ts';
import { conversationKeyOf, findConversationOr404 } from './conversation-detail.ts';
import { BODY_LIMIT_ERRORS, checkMediaUrls, checkMessageBody } from './message-rules.ts';
import { conversationIdParams, mediaUrlsField, messageBodyField, messageSchema } from './schemas.ts';
import { auditingOptOutRefusal, customerOptedOut } from './send-refusal-audit.ts';
import { toMessageJson } from './serializers.ts';

export const sendAtField = z.iso.datetime({ offset: true }).meta({
  description:
    'Schedule instead of sending now: ISO 8601 with an offset (e.g. 2026-12-01T09:00:00+01:00), in the future and within the horizon (SCHEDULED_SEND_HORIZON_DAYS). The message is stored with status `scheduled` and can be edited or cancelled until it leaves',
});

const sendBody = z.object({ body: messageBodyField, mediaUrls: mediaUrlsField, sendAt: sendAtField.optional() });

export const SEND_ERRORS: Record<number, string> = {
  403: 'Another agent has the conversation; only they or an admin may reply on it (not_assigned_to_you; the message names them)',
  409: 'The customer has opted out (customer_opted_out; the attempt is recorded as a send_refused audit event) or the conversation is closed (conversation_closed)',
  422: 'Twilio refused the message for good (twilio_rejected); `error.details` carries the stored messageId and Twilio errorCode',
  502: 'The message could not be sent, e.g. Twilio stayed unreachable through every retry (send_failed)',
  503: 'Temporal is unavailable (temporal_unavailable)',
};

export interface AgentSend {
  key: ConversationKey;
  agentId: string;
  /** The sender's name and role, for ownership checks and the audit trail. */
  acting?: ActingAgent;
  body: string;
  mediaUrls?: string[];
  /** Schedule for this time (ISO 8601) instead of sending now. */
  sendAt?: string;
}

/**
 * Refuses at once when the contact has opted out. The workflow and the send activity refuse
 * too; asking them costs a workflow start, and the stored opt-out is the authority they read.
 */
export async function refuseIfOptedOut(deps: ApiDeps, customerNumber: string): Promise<void> {
  const contact = await deps.db.contact.findUnique({ where: { phoneNumber: customerNumber }, select: { optedOut: true } });
  if (contact?.optedOut) throw customerOptedOut();
}

/** The sendMessage update: starts the workflow if needed and answers once Twilio accepted the message. */
export function sendThroughWorkflow(deps: ApiDeps, send: AgentSend): Promise<OutboundMessageResult> {
  const request = {
    body: send.body,
    agentId: send.agentId,
    ...send.acting,
    ...(send.mediaUrls?.length ? { mediaUrls: send.mediaUrls } : {}),
  };
  return viaWorkflow(() =>
    send.sendAt === undefined
      ? deps.commands.update(send.key, sendMessageUpdate, request)
      : deps.commands.update(send.key, scheduleMessageUpdate, { ...request, sendAt: send.sendAt }),
  );
}

/** The stored row of a sent message, as the API shows messages. */
export async function storedMessageJson(deps: ApiDeps, result: OutboundMessageResult) {
  const message = await deps.db.message.findUniqueOrThrow({ where: { id: result.messageId } });
  return { ...toMessageJson(message, mediaUrlPolicy(deps)), encoding: message.encoding ?? result.encoding };
}

export function registerSendMessage(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/api/conversations/:id/messages',
    summary: 'Send a reply as the calling agent, now or at `sendAt` (a closed conversation refuses: reopen it first)',
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    body: sendBody,
    response: {
      status: 201,
      description:
        'The stored message with its Twilio SID, status, segments and encoding once Twilio accepted it; if Twilio has not answered within a second (an outage: the send is being retried) the recorded message with `status: "pending"` and no SID, and `message.sent` or `message.failed` follow on the live stream. With `sendAt`: the stored message with `status: "scheduled"` and its `sendAt`',
      schema: messageSchema,
    },
    errors: {
      400: `Invalid request (validation_failed); an empty or whitespace-only body (invalid_message); ${BODY_LIMIT_ERRORS}; or a media URL that is not https (invalid_media_url)`,
      404: 'No conversation has this id (conversation_not_found)',
      ...SEND_ERRORS,
      422: `${SEND_ERRORS[422]}; or a sendAt in the past or beyond the horizon (invalid_send_at)`,
    },
    async handle(_ctx, { params, body, agent }) {
      const conversation = await findConversationOr404(deps, params.id);
      checkMessageBody(body.body);
      const mediaUrls = checkMediaUrls(body.mediaUrls);
      const send = { key: conversationKeyOf(conversation), agentId: agent.id, acting: actingAs(agent), body: body.body, mediaUrls, sendAt: body.sendAt };
      const result = await auditingOptOutRefusal(deps.db, { ...send, conversationId: conversation.id }, async () => {
        await refuseIfOptedOut(deps, conversation.customerNumber);
        return sendThroughWorkflow(deps, send);
      });
      return storedMessageJson(deps, result);
    },
  });
}
