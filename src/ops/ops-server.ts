// The worker's own HTTP port (WORKER_METRICS_PORT): /healthz, /readyz, /metrics. The worker
// serves nothing else over HTTP, so this is all it listens for.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { Logger } from '../infra/logger.ts';
import type { Registry } from '../metrics/registry.ts';
import { opsRouter } from './ops-router.ts';
import type { Readiness } from './readiness.ts';

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(options: { host: string; port: number; registry: Registry; readiness: Readiness; log: Logger }): Promise<OpsServer> {
  const app = new Koa();
  app.on('error', (error: Error) => options.log.warn({ err: error }, 'metrics server error'));
  const router = opsRouter(options);
  app.use(router.routes()).use(router.allowedMethods());
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
