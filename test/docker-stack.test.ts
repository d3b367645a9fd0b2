// The Docker stack's files checked without Docker (this repository's CI has no engine): the
// compose file parses and keeps the shape README.md promises, images are pinned, no secret has a
// committed default, the commands name files that exist, and the search attributes the setup job
// registers are the ones the workflow sets. `docker compose config -q` (in .ci/run when the CLI
// is there) checks the compose schema itself.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { temporalSecurityEnv } from '../src/config/temporal-security.ts';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../src/shared/search-attributes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(ROOT + file, 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
  deploy?: { replicas?: number };
  volumes?: string[];
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

describe('docker-compose.yml', () => {
  it('has the production shape: PostgreSQL, Temporal with its setup jobs and UI, two APIs behind a balancer, two workers, the emulator profile', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'api-lb', 'postgres', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'twilio-emulator', 'worker'].sort(),
    );
    expect(services.api!.deploy?.replicas).toBe(2);
    expect(services.worker!.deploy?.replicas).toBe(2);
    expect(services.api!.ports, 'replicas cannot share a host port').toBeUndefined();
    expect(services['api-lb']!.ports).toEqual(['${API_PUBLISH_PORT:-3000}:3000']);
    expect(services['twilio-emulator']!.profiles).toEqual(['emulator']);
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      const image = service.image ?? '';
      if (image.startsWith('sms-conversations:')) continue; // built from the Dockerfile
      expect(image, name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
    }
  });

  it('commits no secret: the passwords and tokens have no default and must come from .env', () => {
    for (const variable of ['POSTGRES_PASSWORD', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']) {
      const uses = composeText.match(new RegExp(`\\$\\{${variable}[^}]*\\}`, 'g')) ?? [];
      expect(uses.length, variable).toBeGreaterThan(0);
      for (const use of uses) expect(use, variable).toMatch(new RegExp(`^\\$\\{${variable}(:\\?[^}]*)?\\}$`));
    }
  });

  it('runs files that exist: app entry points and mounted configuration', () => {
    for (const name of ['api', 'worker', 'twilio-emulator']) {
      const entry = services[name]!.command!.at(-1)!;
      expect(existsSync(ROOT + entry), `${name}: ${entry}`).toBe(true);
    }
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        if (!volume.startsWith('./')) continue;
        expect(existsSync(ROOT + volume.split(':')[0]!.slice(2)), `${name}: ${volume}`).toBe(true);
      }
    }
  });

  it('points the emulator at the URL the API checks signatures against', () => {
    const apiBaseUrl = services.api!.environment!.API_BASE_URL!;
    expect(services['twilio-emulator']!.environment!.EMULATOR_INBOUND_WEBHOOK_URL).toBe(`${apiBaseUrl}/api/webhooks/twilio/sms`);
  });
});

describe('docker/temporal/setup-namespace.sh', () => {
  it('registers exactly the search attributes the conversation workflow sets', () => {
    const line = /^SEARCH_ATTRIBUTES="([^"]+)"$/m.exec(read('docker/temporal/setup-namespace.sh'))?.[1];
    expect(line).toBeDefined();
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', BOOL: 'Bool', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };
    const expected = CONVERSATION_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${cliType[key.type]}`);
    expect(line!.split(/\s+/).sort()).toEqual(expected.sort());
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs as a non-root user with NODE_ENV=production and production dependencies only', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=prod-deps \/app\/node_modules/);
  });

  it('builds the agent console in the build stage and ships only its built files', () => {
    expect(dockerfile).toMatch(/^RUN node scripts\/build-console\.mjs$/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/console\/dist \.\/console\/dist$/m);
  });

  it('starts the API by default, from a file that exists', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
    expect(JSON.parse(cmd!)).toEqual(['node', '--import', 'tsx', 'src/api/server.ts']);
    expect(existsSync(ROOT + 'docker/healthcheck.mjs')).toBe(true);
  });
});

describe('.env.example', () => {
  it('documents every Temporal connection variable', () => {
    const example = read('.env.example');
    for (const variable of Object.keys(temporalSecurityEnv)) expect(example).toMatch(new RegExp(`^${variable}=`, 'm'));
  });
});
