// Starts a local Temporal dev server (with its Web UI) through the SDK's own ephemeral-server
// support, using a CLI found on this machine, or the SDK's download where none is.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../shared/search-attributes.ts';
import type { Logger } from './logger.ts';
import { ensureTemporalCli } from './temporal-cli.ts';

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  cliPath?: string;
  namespace: string;
  /** Persist history in this SQLite file; in-memory when omitted. */
  dbFilename?: string;
  port?: number;
  /** Serve the Web UI on this port; no UI when omitted. */
  uiPort?: number;
  /** Dynamic config overrides (`--dynamic-config-value key=value`), e.g. for tests. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export async function startTemporalDevServer(
  options: TemporalDevServerOptions,
  log: Logger,
): Promise<TemporalDevServer> {
  const cli = ensureTemporalCli(log, options.cliPath);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
      namespace: options.namespace,
      ip: '127.0.0.1',
      port: options.port,
      dbFilename: options.dbFilename,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: CONVERSATION_SEARCH_ATTRIBUTES,
      log: { format: 'json', level: 'warn' },
      extraArgs: Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
        '--dynamic-config-value',
        `${key}=${JSON.stringify(value)}`,
      ]),
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort !== undefined ? `http://localhost:${options.uiPort}` : undefined,
    stop: () => env.teardown(),
  };
}
