// The Temporal connection settings on the wire: both kinds of connection this system opens (the
// API's client, the worker's native connection) are pointed at a TLS server that demands a
// client certificate and records what arrives — the certificate, the API key, the namespace
// header. Certificates are made for the test with openssl. And the unhappy paths: unreadable
// files are configuration errors naming the variable, and nothing logs the key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.ts';
import { describeTemporalConnection, temporalConnectionOptions } from './temporal-connection-options.ts';

const API_KEY = 'test-api-key.do-not-log-me';
const NAMESPACE = 'sms-prod.a1b2c';

interface SeenRequest {
  path: string;
  authorization?: string;
  namespace?: string;
  clientCertCn?: string;
}

let dir: string;
let server: http2.Http2SecureServer;
let address: string;
const seen: SeenRequest[] = [];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, extra] of [
    ['server', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=sms-${name}`);
    writeFileSync(path.join(dir, `${name}.ext`), `${extra}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const file = (name: string) => readFileSync(path.join(dir, name));
  server = http2.createSecureServer({ key: file('server.key'), cert: file('server.pem'), ca: file('ca.pem'), requestCert: true, rejectUnauthorized: true });
  server.on('stream', (stream, headers) => {
    const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate();
    seen.push({
      path: String(headers[':path']),
      authorization: headers.authorization,
      namespace: headers['temporal-namespace'] as string | undefined,
      clientCertCn: peer?.subject?.CN?.toString(),
    });
    // A gRPC answer every client understands: "not implemented".
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '12', 'grpc-message': 'test server' }));
    stream.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cloudConfig() {
  return loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TLS_SERVER_CA_PATH: path.join(dir, 'ca.pem'),
    TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
    TEMPORAL_API_KEY: API_KEY,
  }).temporal;
}

describe('temporalConnectionOptions on the wire', () => {
  it("the API's client connection presents the client certificate, the API key and the namespace header", async () => {
    seen.length = 0;
    const temporal = cloudConfig();
    const connection = await Connection.connect({ ...temporalConnectionOptions(temporal.address!, temporal), connectTimeout: 5_000 }).catch(
      () => undefined,
    );
    await connection?.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${API_KEY}`, namespace: NAMESPACE, clientCertCn: 'sms-client' });
  });

  it("the worker's native connection does the same", async () => {
    seen.length = 0;
    const temporal = cloudConfig();
    const connection = await NativeConnection.connect(temporalConnectionOptions(temporal.address!, temporal)).catch(() => undefined);
    await connection?.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${API_KEY}`, namespace: NAMESPACE, clientCertCn: 'sms-client' });
  });

  it('without the client certificate the TLS server refuses the connection (the check above can fail)', async () => {
    seen.length = 0;
    const temporal = loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_CA_PATH: path.join(dir, 'ca.pem') }).temporal;
    await expect(Connection.connect({ ...temporalConnectionOptions(temporal.address!, temporal), connectTimeout: 3_000 })).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});

describe('temporalConnectionOptions', () => {
  it('is plain gRPC with no TLS settings, and sends no API key header then', () => {
    const options = temporalConnectionOptions('temporal:7233', loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }).temporal);
    expect(options).toEqual({ address: 'temporal:7233' });
    expect(describeTemporalConnection(options)).toEqual({ address: 'temporal:7233', tls: 'off' });
  });

  it('uses the system trust store for an API key alone (Temporal Cloud), with the namespace header', () => {
    const temporal = loadConfig({ TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233', TEMPORAL_NAMESPACE: NAMESPACE, TEMPORAL_API_KEY: API_KEY }).temporal;
    const options = temporalConnectionOptions(temporal.address!, temporal);
    expect(options).toEqual({ address: temporal.address, tls: {}, apiKey: API_KEY, metadata: { 'temporal-namespace': NAMESPACE } });
    const described = describeTemporalConnection(options);
    expect(described).toEqual({ address: temporal.address, tls: 'TLS', apiKey: 'set' });
    expect(JSON.stringify(described)).not.toContain(API_KEY);
  });

  it('names the variable and the path of a file it cannot read, and never its content', () => {
    const temporal = loadConfig({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'missing.key'),
    }).temporal;
    let error: unknown;
    try {
      temporalConnectionOptions('temporal:7233', temporal);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('TEMPORAL_TLS_CLIENT_KEY_PATH');
    expect((error as Error).message).toContain('missing.key');
    expect((error as Error).message).toContain('ENOENT');
    expect((error as Error).message).not.toContain('BEGIN');
  });
});
