// Values derived from the configuration in one place, so API and worker agree on them.
import type { Config } from './config.ts';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../shared/webhook-paths.ts';

export function webhookUrls(config: Config): { inbound: string; status: string } {
  return { inbound: config.api.baseUrl + INBOUND_WEBHOOK_PATH, status: config.api.baseUrl + STATUS_WEBHOOK_PATH };
}

export function conversationSettings(config: Config): ConversationSettings {
  return {
    autoReplyLimit: config.autoReply.limit,
    autoReplyWindowSeconds: config.autoReply.windowSeconds,
    closedLingerSeconds: config.closedConversationLingerSeconds,
    sla: config.timekeeping.sla,
    autoCloseSeconds: config.timekeeping.autoCloseSeconds,
    scheduleHorizonSeconds: config.timekeeping.scheduleHorizonSeconds,
    businessHours: config.timekeeping.businessHours,
  };
}
