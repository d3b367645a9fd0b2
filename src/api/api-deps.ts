// What the agent-facing routes depend on; built once per API process.
import type { TwilioConfig } from '../config/config.ts';
import type { Database } from '../infra/database.ts';
import type { Logger } from '../infra/logger.ts';
import type { ConversationCommands } from '../temporal/conversation-commands.ts';
import type { LiveEventHub } from './live-events/live-event-hub.ts';

export interface ApiDeps {
  db: Database;
  commands: ConversationCommands;
  liveEvents: LiveEventHub;
  twilio: {
    config: TwilioConfig;
    /** True when the built-in emulator stands in for Twilio. */
    emulated: boolean;
  };
  /** The public URL Twilio and agents reach this API at (API_BASE_URL). */
  publicBaseUrl: string;
  log: Logger;
}
