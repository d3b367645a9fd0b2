// Writes the API's OpenAPI document to a file without a running server (for the console's
// generated client, `npm run build:console`). It builds the same route table the app mounts
// (buildApiRoutes) over dependencies that are never called: registering a route only describes
// it, and the document route's handler reads nothing but that description.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';
import { buildApiRoutes } from '../src/api/app.ts';
import type { ApiDeps } from '../src/api/api-deps.ts';
import type { RouteInput } from '../src/api/routing/api-routes.ts';

const DOCUMENT_PATH = '/api/openapi.json';

/** Any use of a dependency while describing routes is a bug in this script's premise: say so. */
function unused(name: string): never {
  return new Proxy({}, {
    get(_target, property) {
      if (property === 'then') return undefined;
      throw new Error(`write-openapi: ${name}.${String(property)} was used while only describing routes`);
    },
  }) as never;
}

const deps: ApiDeps = {
  db: unused('db'),
  commands: unused('commands'),
  liveEvents: unused('liveEvents'),
  // No senders: the document then lists none (a deployment's own document names its numbers),
  // so the generated client types `businessNumber` as any E.164 string.
  twilio: { config: { accountSid: 'AC00000000000000000000000000000000', authToken: 'unused' }, emulated: true },
  publicBaseUrl: 'http://localhost:3000',
  log: unused('log'),
};

const target = process.argv[2];
if (!target) {
  console.error('usage: tsx scripts/write-openapi.ts <output.json>');
  process.exit(2);
}
const route = buildApiRoutes(deps).definitions.find((definition) => definition.path === DOCUMENT_PATH && definition.method === 'get');
if (!route) throw new Error(`write-openapi: no ${DOCUMENT_PATH} route in the route table`);
const document = await route.handle({} as Context, {} as RouteInput<unknown, unknown, unknown>);
mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
