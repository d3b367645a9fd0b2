// PLACEHOLDER until the live-events issue work lands: delivers nothing.
import type { Database } from '../../infra/database.ts';
import type { Logger } from '../../infra/logger.ts';
import type { LiveEventHub } from './live-event-hub.ts';

export interface LiveEventHubOptions {
  databaseUrl: string;
  db: Database;
  log: Logger;
}

export async function createLiveEventHub(_options: LiveEventHubOptions): Promise<LiveEventHub> {
  return {
    subscribe: async () => () => undefined,
    close: async () => undefined,
  };
}
