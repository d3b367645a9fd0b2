// How the processes authenticate to a Temporal cluster that is not the local dev server: TLS
// (a private CA, mTLS with a client certificate and key) and Temporal Cloud API keys. Read from
// the environment by config.ts; the rules here turn half-made settings into errors that name the
// variables, because a wrong guess would only show up later as a connection refused or, worse,
// as plain-text gRPC to a server that expected TLS.
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

export const temporalSecurityEnv = {
  // true | false; unset: TLS is on exactly when a CA, client certificate or API key is set.
  TEMPORAL_TLS: optionalString.pipe(z.enum(['true', 'false']).optional()),
  TEMPORAL_TLS_SERVER_CA_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
};

export type TemporalSecurityEnv = { [K in keyof typeof temporalSecurityEnv]?: z.infer<(typeof temporalSecurityEnv)[K]> };

export interface TemporalTlsSettings {
  /** PEM file of the CA that signed the server's certificate; unset: the system's trust store. */
  serverRootCaPath?: string;
  /** PEM files of the client certificate and its key, for mTLS (always both). */
  clientCertPath?: string;
  clientKeyPath?: string;
  /** Overrides the name the server's certificate is checked against (SNI). */
  serverName?: string;
}

export interface TemporalSecurity {
  /** Present when connections use TLS. */
  tls?: TemporalTlsSettings;
  /** A Temporal Cloud API key (sent as a bearer token). Never log it. */
  apiKey?: string;
}

/**
 * The settings, or the problem to report (config.ts throws it as its ConfigError; returning it
 * keeps this module free of an import cycle with config.ts).
 */
export function temporalSecurityFrom(env: TemporalSecurityEnv, hasAddress: boolean): TemporalSecurity | string {
  const {
    TEMPORAL_TLS: tlsFlag,
    TEMPORAL_TLS_SERVER_CA_PATH: serverRootCaPath,
    TEMPORAL_TLS_CLIENT_CERT_PATH: clientCertPath,
    TEMPORAL_TLS_CLIENT_KEY_PATH: clientKeyPath,
    TEMPORAL_TLS_SERVER_NAME: serverName,
    TEMPORAL_API_KEY: apiKey,
  } = env;
  if (Boolean(clientCertPath) !== Boolean(clientKeyPath)) {
    return 'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together (mTLS needs the client certificate and its private key)';
  }
  const tlsSettings = (
    [
      ['TEMPORAL_TLS_SERVER_CA_PATH', serverRootCaPath],
      ['TEMPORAL_TLS_CLIENT_CERT_PATH', clientCertPath],
      ['TEMPORAL_TLS_CLIENT_KEY_PATH', clientKeyPath],
      ['TEMPORAL_TLS_SERVER_NAME', serverName],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (tlsFlag === 'false' && tlsSettings.length > 0) {
    return `TEMPORAL_TLS=false contradicts ${tlsSettings.join(', ')}: remove them or turn TLS on`;
  }
  if (tlsFlag === 'false' && apiKey) {
    // The SDK would send the key in clear text; Temporal Cloud only accepts it over TLS anyway.
    return 'TEMPORAL_API_KEY needs TLS: unset TEMPORAL_TLS=false (an API key is never sent over plain text)';
  }
  const tlsOn = tlsFlag === 'true' || tlsSettings.length > 0 || apiKey !== undefined;
  if ((tlsOn || apiKey) && !hasAddress) {
    const named = [...(tlsFlag === 'true' ? ['TEMPORAL_TLS'] : []), ...tlsSettings, ...(apiKey ? ['TEMPORAL_API_KEY'] : [])];
    return `${named.join(', ')} need TEMPORAL_ADDRESS: the embedded Temporal dev server speaks plain gRPC`;
  }
  return {
    ...(tlsOn ? { tls: { serverRootCaPath, clientCertPath, clientKeyPath, serverName } } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}
