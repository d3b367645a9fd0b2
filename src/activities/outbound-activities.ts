// Sending a message: recorded before it is sent, refused for opted-out customers, and settled
// rather than re-sent when an earlier attempt's outcome is unknown.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { OutboundMessageResult, MessageAuthor } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { segmentInfo } from '../sms/segments.ts';
import { TwilioSendError, type AcceptedSms } from '../twilio/send-sms.ts';
import type { Message } from '../generated/prisma/client.ts';
import type { ActivityDependencies } from './dependencies.ts';
import type { SendResult } from '../metrics/worker-metrics.ts';
import { claimOutboundForSending } from '../store/outbound-claim.ts';
import type { StoredOutbound } from '../store/outbound-message-row.ts';
import { markOutboundAccepted, markOutboundNotSent } from '../store/outbound-outcome.ts';
import { recordPendingOutbound } from '../store/outbound-record.ts';

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
export function toResult(message: Pick<Message, 'id' | 'twilioSid' | 'status' | 'numSegments' | 'encoding' | 'body' | 'errorCode'>): OutboundMessageResult {
  return {
    messageId: message.id,
    twilioSid: message.twilioSid,
    status: message.status,
    numSegments: message.numSegments,
    encoding: message.encoding ?? segmentInfo(message.body).encoding,
    errorCode: message.errorCode,
  };
}

/** Whether this call is a local activity (a send's first attempt); false outside any activity. */
function runningAsLocalActivity(): boolean {
  try {
    return Context.current().info.isLocal;
  } catch {
    // Called directly (a test, a script): no activity context to ask.
    return false;
  }
}

/**
 * The send itself, through Twilio: first once as a local activity (with Twilio's answer awaited
 * for at most a few seconds, `sendSmsFirstAttempt`, since the workflow task waits for it), then,
 * if that may succeed later, as a normal activity retried with backoff by the workflow.
 */
export function createSendActivities({ db, sendSms, sendSmsFirstAttempt, findSentSms, statusCallbackUrl, log, metrics }: ActivityDependencies) {
  /** Counted once a send's fate is known; an auto-reply by its rule once Twilio has it. */
  function countSend(input: SendMessageInput, result: SendResult, errorCode?: number | null): void {
    metrics?.sends.inc({ author: input.author, result, error_code: errorCode == null ? '' : String(errorCode) });
    if ((result === 'accepted' || result === 'settled') && input.author === 'auto_response') {
      metrics?.autoReplies.inc({ rule_id: input.ruleId ?? '' });
    }
  }

  async function refuse(message: StoredOutbound, status: 'refused' | 'failed', errorCode: number | null, reason: string, type: string): Promise<never> {
    await markOutboundNotSent(db, { id: message.id }, { status, errorCode, reason });
    throw ApplicationFailure.create({ type, message: reason, nonRetryable: true, details: [{ messageId: message.id, errorCode }] });
  }

  return {
    async sendMessage(input: SendMessageInput): Promise<OutboundMessageResult> {
      // One statement: the row found or recorded, the stored opt-out checked, and marked 'sending'.
      const { message, outcome, blocked } = await claimOutboundForSending(db, input);
      if (message.twilioSid) return toResult(message);
      if (message.status === 'refused' || message.status === 'failed') {
        throw ApplicationFailure.create({ type: FailureType.TwilioRejected, message: message.errorMessage ?? 'Message was refused', nonRetryable: true });
      }

      if (blocked) {
        countSend(input, 'opted_out');
        return refuse(message, 'refused', null, OPTED_OUT_MESSAGE, FailureType.CustomerOptedOut);
      }

      if (outcome === 'found') {
        // Left 'sending' by an earlier attempt that reached Twilio but whose answer was lost (or
        // marked by an attempt running now). Twilio has no idempotency key, so look before
        // sending again.
        const alreadySent = await findSentSms({ to: input.to, from: input.from, body: input.body, since: message.createdAt });
        if (alreadySent) {
          log.info({ messageId: message.id, messageSid: alreadySent.sid }, 'settled an outbound message from an earlier attempt');
          const settled = toResult(await markOutboundAccepted(db, message, alreadySent));
          countSend(input, 'settled');
          return settled;
        }
      }

      const endTwilioCall = metrics?.twilioSendDuration.startTimer();
      let accepted: AcceptedSms;
      try {
        const send = runningAsLocalActivity() ? (sendSmsFirstAttempt ?? sendSms) : sendSms;
        accepted = await send({ to: input.to, from: input.from, body: input.body, statusCallback: statusCallbackUrl, mediaUrls: input.mediaUrls });
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
      // One statement: Twilio's answer, the conversation's last activity, message.sent.
      const sent = toResult(await markOutboundAccepted(db, message, accepted));
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
      // One statement; a scheduled message whose time came is released to 'pending' by it: it
      // is on its way now, like any other send.
      const message = await recordPendingOutbound(db, input);
      return toResult(message.status === 'scheduled' ? { ...message, status: 'pending' } : message);
    },

    /** Called by the workflow when retries are exhausted: the message's fate is "failed". */
    async markSendFailed(input: { clientRef: string; reason: string }): Promise<void> {
      // Settled already (sent, or marked failed by an earlier run of this activity): kept as it is.
      await markOutboundNotSent(db, { clientRef: input.clientRef }, { status: 'failed', errorCode: null, reason: input.reason.slice(0, 1000) });
    },
  };
}
