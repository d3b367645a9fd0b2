// What the agent-facing routes depend on; built once per API process.
import type { TwilioConfig } from '../config/config.ts';
import type { Database } from '../infra/database.ts';
import type { Logger } from '../infra/logger.ts';
import type { ConversationCommands } from '../temporal/conversation-commands.ts';
import type { LiveEventHub } from './live-events/live-event-hub.ts';
import type { MediaFetchLimits } from './media/fetch-media.ts';

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
  /** How long a console sign-in lasts (SESSION_TTL_HOURS); default 12. */
  sessionTtlHours?: number;
  /** Limits of GET …/media fetches (default: 10 s, 5 MB, 3 redirects). */
  mediaLimits?: Partial<MediaFetchLimits>;
  /** How often an open live-event stream re-checks its credential, in ms (default 30 s). */
  liveStreamRecheckMs?: number;
  log: Logger;
}
