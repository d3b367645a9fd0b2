// Sending a message: recorded before it is sent, refused for opted-out customers, and settled
// rather than re-sent when an earlier attempt's outcome is unknown.
import { ApplicationFailure } from '@temporalio/activity';
import type { OutboundMessageResult, MessageAuthor } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { segmentInfo } from '../sms/segments.ts';
import { TwilioSendError, type AcceptedSms } from '../twilio/send-sms.ts';
import type { Message } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import type { ActivityDependencies } from './dependencies.ts';
import type { SendResult } from '../metrics/worker-metrics.ts';
import { publishLiveEvent } from '../store/live-event-publisher.ts';

export interface SendMessageInput {
  /** Chosen by the workflow; makes the activity idempotent across retries. */
  clientRef: string;
  conversationId: string;
  from: string;
  to: string;
  body: string;
  author: MessageAuthor;
  agentId?: string;
  ruleId?: string;
  mediaUrls?: string[];
  allowOptedOut?: boolean;
}

const OPTED_OUT_MESSAGE = 'The customer has opted out; nothing can be sent to them';

/** A stored outbound message as the workflow (and the agent's answer) sees it. */
export function toResult(message: Message): OutboundMessageResult {
  return {
    messageId: message.id,
    twilioSid: message.twilioSid,
    status: message.status,
    numSegments: message.numSegments,
    encoding: message.encoding ?? segmentInfo(message.body).encoding,
    errorCode: message.errorCode,
  };
}

async function recordPending(db: Database, input: SendMessageInput): Promise<Message> {
  // Keyed by the workflow's clientRef: a re-run finds the row it wrote instead of writing another.
  const existing = await db.message.findUnique({ where: { clientRef: input.clientRef } });
  if (existing) return existing;
  const { encoding, segments } = segmentInfo(input.body);
  return db.message.create({
    data: {
      clientRef: input.clientRef,
      conversationId: input.conversationId,
      direction: 'outbound',
      author: input.author,
      body: input.body,
      status: 'pending',
      fromNumber: input.from,
      toNumber: input.to,
      agentId: input.agentId ?? null,
      autoResponseRuleId: input.ruleId ?? null,
      numSegments: segments,
      encoding,
      mediaUrls: input.mediaUrls ?? [],
    },
  });
}

/** The send itself, through Twilio: a normal activity, retried with backoff by the workflow. */
export function createSendActivities({ db, sendSms, findSentSms, statusCallbackUrl, log, metrics }: ActivityDependencies) {
  /** Counted once a send's fate is known; an auto-reply by its rule once Twilio has it. */
  function countSend(input: SendMessageInput, result: SendResult, errorCode?: number | null): void {
    metrics?.sends.inc({ author: input.author, result, error_code: errorCode == null ? '' : String(errorCode) });
    if ((result === 'accepted' || result === 'settled') && input.author === 'auto_response') {
      metrics?.autoReplies.inc({ rule_id: input.ruleId ?? '' });
    }
  }

  async function markAccepted(message: Message, accepted: AcceptedSms): Promise<Message> {
    return db.$transaction(async (tx) => {
      const updated = await tx.message.update({
        where: { id: message.id },
        data: {
          twilioSid: accepted.sid,
          status: accepted.status,
          numSegments: accepted.numSegments ?? message.numSegments,
          sentAt: new Date(),
          statusUpdatedAt: new Date(),
        },
      });
      await tx.conversation.update({ where: { id: message.conversationId }, data: { lastActivityAt: new Date() } });
      await publishLiveEvent(tx, {
        type: 'message.sent',
        conversationId: message.conversationId,
        messageId: message.id,
        data: { author: message.author, status: accepted.status, twilioSid: accepted.sid },
      });
      return updated;
    });
  }

  async function refuse(message: Message, status: 'refused' | 'failed', errorCode: number | null, reason: string, type: string): Promise<never> {
    await db.$transaction(async (tx) => {
      await tx.message.update({ where: { id: message.id }, data: { status, errorCode, errorMessage: reason, statusUpdatedAt: new Date() } });
      await publishLiveEvent(tx, {
        type: 'message.failed',
        conversationId: message.conversationId,
        messageId: message.id,
        data: { status, errorCode, reason },
      });
    });
    throw ApplicationFailure.create({ type, message: reason, nonRetryable: true, details: [{ messageId: message.id, errorCode }] });
  }

  return {
    async sendMessage(input: SendMessageInput): Promise<OutboundMessageResult> {
      let message = await recordPending(db, input);
      if (message.twilioSid) return toResult(message);
      if (message.status === 'refused' || message.status === 'failed') {
        throw ApplicationFailure.create({ type: FailureType.TwilioRejected, message: message.errorMessage ?? 'Message was refused', nonRetryable: true });
      }

      const contact = await db.contact.findUnique({ where: { phoneNumber: input.to }, select: { optedOut: true } });
      if (contact?.optedOut && !input.allowOptedOut) {
        countSend(input, 'opted_out');
        return refuse(message, 'refused', null, OPTED_OUT_MESSAGE, FailureType.CustomerOptedOut);
      }

      if (message.status === 'sending') {
        // An earlier attempt reached Twilio but its answer was lost. Twilio has no idempotency
        // key, so look before sending again.
        const alreadySent = await findSentSms({ to: input.to, from: input.from, body: input.body, since: message.createdAt });
        if (alreadySent) {
          log.info({ messageId: message.id, messageSid: alreadySent.sid }, 'settled an outbound message from an earlier attempt');
          const settled = toResult(await markAccepted(message, alreadySent));
          countSend(input, 'settled');
          return settled;
        }
      } else {
        message = await db.message.update({ where: { id: message.id }, data: { status: 'sending' } });
      }

      const endTwilioCall = metrics?.twilioSendDuration.startTimer();
      let accepted: AcceptedSms;
      try {
        accepted = await sendSms({ to: input.to, from: input.from, body: input.body, statusCallback: statusCallbackUrl, mediaUrls: input.mediaUrls });
        endTwilioCall?.({ result: 'accepted' });
      } catch (error) {
        if (!(error instanceof TwilioSendError)) throw error;
        const result: SendResult = error.optedOut ? 'opted_out' : error.retryable ? 'retryable_error' : 'rejected';
        endTwilioCall?.({ result });
        countSend(input, result, error.code);
        log.warn(
          { messageId: message.id, clientRef: input.clientRef, httpStatus: error.httpStatus, errorCode: error.code, result },
          'Twilio did not accept an outbound message',
        );
        if (error.optedOut) {
          metrics?.optOuts.inc({ source: `twilio_${error.code}` });
          await db.contact.upsert({
            where: { phoneNumber: input.to },
            create: { phoneNumber: input.to, optedOut: true, optedOutAt: new Date(), optOutKeyword: `TWILIO_${error.code}` },
            update: { optedOut: true, optedOutAt: new Date(), optOutKeyword: `TWILIO_${error.code}` },
          });
          return refuse(message, 'failed', error.code ?? null, OPTED_OUT_MESSAGE, FailureType.CustomerOptedOut);
        }
        if (!error.retryable) return refuse(message, 'failed', error.code ?? null, error.message, FailureType.TwilioRejected);
        // Twilio answered (429/5xx), so nothing was sent: the next attempt may send without looking.
        if (error.httpStatus > 0) await db.message.update({ where: { id: message.id }, data: { status: 'pending' } });
        throw error;
      }
      const sent = toResult(await markAccepted(message, accepted));
      countSend(input, 'accepted');
      return sent;
    },
  };
}

/** Database writes around a send: local activities, keyed by the workflow's clientRef. */
export function createOutboundRecordActivities({ db }: ActivityDependencies) {
  return {
    /**
     * Records an outbound message (`pending`) before anything is sent, so nothing sent is ever
     * unrecorded and the message is visible to agents while Twilio is being asked.
     */
    async recordOutbound(input: SendMessageInput): Promise<OutboundMessageResult> {
      const message = await recordPending(db, input);
      if (message.status !== 'scheduled') return toResult(message);
      // A scheduled message whose time came: it is on its way now, like any other send.
      await db.message.updateMany({ where: { id: message.id, status: 'scheduled' }, data: { status: 'pending', statusUpdatedAt: new Date() } });
      return toResult({ ...message, status: 'pending' });
    },

    /** Called by the workflow when retries are exhausted: the message's fate is "failed". */
    async markSendFailed(input: { clientRef: string; reason: string }): Promise<void> {
      await db.$transaction(async (tx) => {
        const message = await tx.message.findUnique({ where: { clientRef: input.clientRef } });
        // Settled already (sent, or marked failed by an earlier run of this activity): keep it.
        if (!message || message.twilioSid || message.status === 'failed' || message.status === 'refused') return;
        const reason = input.reason.slice(0, 1000);
        await tx.message.update({ where: { id: message.id }, data: { status: 'failed', errorMessage: reason, statusUpdatedAt: new Date() } });
        await publishLiveEvent(tx, {
          type: 'message.failed',
          conversationId: message.conversationId,
          messageId: message.id,
          data: { status: 'failed', errorCode: null, reason },
        });
      });
    },
  };
}
