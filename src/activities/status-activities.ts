// Status callbacks: every one kept as an audit row; the message's status only moves forward.
import type { Prisma } from '../generated/prisma/client.ts';
import { isForwardStatus } from '../shared/message-status.ts';
import type { StatusCallbackReport } from '../shared/conversation-types.ts';
import { OPTED_OUT_ERROR_CODE } from '../twilio/send-sms.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { publishLiveEvent } from './live-event-publisher.ts';

export interface RecordedStatus {
  applied: boolean;
  messageId: string | null;
  customerOptedOut: boolean;
}

export function createStatusActivities({ db }: ActivityDependencies) {
  return {
    async recordStatusCallback(report: StatusCallbackReport): Promise<RecordedStatus> {
      return db.$transaction(async (tx) => {
        // A retried activity must not write the audit row twice: its id is the webhook request's.
        const seen = await tx.statusCallback.findUnique({ where: { id: report.callbackId } });
        if (seen) return { applied: seen.applied, messageId: null, customerOptedOut: false };

        const receivedAt = new Date(report.receivedAt);
        const message = await tx.message.findUnique({ where: { twilioSid: report.messageSid } });
        let applied = false;
        if (message && isForwardStatus(message.status, report.status)) {
          const result = await tx.message.updateMany({
            where: { id: message.id, status: message.status },
            data: {
              status: report.status,
              statusUpdatedAt: receivedAt,
              ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
            },
          });
          applied = result.count === 1;
          if (applied) {
            await publishLiveEvent(tx, {
              type: 'message.status',
              conversationId: message.conversationId,
              messageId: message.id,
              data: { status: report.status, errorCode: report.errorCode ?? null },
            });
          }
        }
        await tx.statusCallback.create({
          data: {
            id: report.callbackId,
            messageSid: report.messageSid,
            status: report.status,
            errorCode: report.errorCode ?? null,
            applied,
            payload: report.payload as Prisma.InputJsonValue,
            receivedAt,
          },
        });
        const customerOptedOut = report.errorCode === OPTED_OUT_ERROR_CODE && message !== null;
        if (customerOptedOut && message) {
          await tx.contact.updateMany({
            where: { phoneNumber: message.toNumber },
            data: { optedOut: true, optedOutAt: receivedAt, optOutKeyword: `TWILIO_${OPTED_OUT_ERROR_CODE}` },
          });
        }
        return { applied, messageId: message?.id ?? null, customerOptedOut };
      });
    },
  };
}
