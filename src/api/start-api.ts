// Starts the HTTP API on a port and returns how to reach and stop it.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Logger } from '../infra/logger.ts';
import { createConversationGateway } from '../temporal/conversation-client.ts';
import { createApp } from './app.ts';

export interface ApiServerOptions {
  temporalClient: Client;
  taskQueue: string;
  twilioAuthToken: string;
  publicBaseUrl: string;
  webhookBodyLimit: string;
  host: string;
  port: number;
  log: Logger;
}

export interface RunningApi {
  /** Where this process listens (the public URL may differ behind a proxy). */
  listenUrl: string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApi> {
  const app = createApp({
    gateway: createConversationGateway(options.temporalClient, options.taskQueue),
    twilioAuthToken: options.twilioAuthToken,
    publicBaseUrl: options.publicBaseUrl,
    webhookBodyLimit: options.webhookBodyLimit,
    log: options.log,
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    listenUrl: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
