// The options every Temporal connection of this system is opened with — the API's client and
// the worker's native connection alike — so a TLS or API-key setting cannot reach one and miss
// the other. Certificate and key files are read once, at start-up: an unreadable file is a
// configuration error naming its variable (and path), never the file's content. A rotated
// certificate is picked up by restarting the processes one at a time.
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { ConfigError, type Config } from '../config/config.ts';

export interface TemporalConnectionOptions {
  address: string;
  /** Absent: plain gRPC (the dev server, a cluster inside a trusted network). */
  tls?: TLSConfig;
  /** Sent as `Authorization: Bearer …`; with TLS only (config.ts makes sure). */
  apiKey?: string;
  /** Temporal Cloud routes an API-key request by this header when the endpoint is not the namespace's own. */
  metadata?: Record<string, string>;
}

type ReadFile = (path: string) => Buffer;

export function temporalConnectionOptions(
  address: string,
  temporal: Pick<Config['temporal'], 'namespace' | 'tls' | 'apiKey'>,
  readFile: ReadFile = (path) => readFileSync(path),
): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address };
  const { tls } = temporal;
  if (tls) {
    const read = (variable: string, path: string) => {
      try {
        return readFile(path);
      } catch (error) {
        throw new ConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    };
    options.tls = {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.serverRootCaPath ? { serverRootCACertificate: read('TEMPORAL_TLS_SERVER_CA_PATH', tls.serverRootCaPath) } : {}),
      ...(tls.clientCertPath && tls.clientKeyPath
        ? {
            clientCertPair: {
              crt: read('TEMPORAL_TLS_CLIENT_CERT_PATH', tls.clientCertPath),
              key: read('TEMPORAL_TLS_CLIENT_KEY_PATH', tls.clientKeyPath),
            },
          }
        : {}),
    };
  }
  if (temporal.apiKey) {
    options.apiKey = temporal.apiKey;
    options.metadata = { 'temporal-namespace': temporal.namespace };
  }
  return options;
}

/** What may be logged about a connection: where, and how it authenticates — never the key. */
export function describeTemporalConnection(options: TemporalConnectionOptions): Record<string, unknown> {
  return {
    address: options.address,
    tls: options.tls ? (options.tls.clientCertPair ? 'mTLS' : 'TLS') : 'off',
    ...(options.apiKey ? { apiKey: 'set' } : {}),
  };
}
