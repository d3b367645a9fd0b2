// One table of the API's routes. Each entry is mounted on the router (auth, validation,
// handler) and described in the OpenAPI document from the same zod schemas, so the contract
// cannot drift from the code, and tests can walk every route (the auth matrix does).
import Router from '@koa/router';
import { OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Database } from '../../infra/database.ts';
import { authenticate, CSRF_HEADER, type Access, type AuthenticatedAgent } from '../auth/authenticate.ts';
import { SESSION_COOKIE } from '../auth/session-cookie.ts';
import { jsonBodyParser } from './json-body.ts';
import { refuseUnstorableInput } from './storable-input.ts';
import { parseOrThrow } from './validation.ts';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteInput<P, Q, B, H = Record<string, unknown>> {
  params: P;
  query: Q;
  body: B;
  /** The declared headers (names lower-cased), validated. */
  headers: H;
  /** The caller; always set on routes whose access is not 'public'. */
  agent: AuthenticatedAgent;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Koa-style path, e.g. /api/conversations/:id */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  /**
   * The JSON body. The document marks it optional exactly when the schema accepts `{}`, which
   * is what an absent body is parsed as.
   */
  body?: B;
  /** Request headers the route reads, keyed by lower-case name (as Node gives them). */
  headers?: H;
  /** The success answer. `schema` absent: no body (e.g. 204) or a stream. */
  /** `contentType`: one, or several the same schema describes (a file of one of several types). */
  response: { status: number; description: string; schema?: z.ZodType; contentType?: string | string[] };
  /** Error statuses this route can answer besides 400 (validation), 401 and 403 (auth). */
  errors?: Record<number, string>;
  /** Accept the token as ?access_token= too (for EventSource, which cannot set headers). */
  allowQueryToken?: boolean;
  /** Only the console session cookie authenticates (the session routes); bearer tokens are ignored. */
  sessionOnly?: boolean;
  /** Returns the body to send with `response.status`, or handles `ctx` itself and returns undefined. */
  handle(ctx: Context, input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, z.infer<H>>): Promise<unknown>;
}

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const JSON_LIMIT = '256kb';

/** Every route answers it (see storable-input.ts), so the 400 of every route names it. */
const INVALID_TEXT_400 =
  'a path parameter, query-string value or JSON key/value holds NUL or an unpaired surrogate (invalid_text; `error.details.field` names it)';

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid request: `error.details.fields` names each offending field (validation_failed)',
  401: 'Missing, invalid or revoked token',
  403: 'The token is valid but its role may not do this',
};

/** Every state-changing route answers it to a cookie-session request without the right CSRF header. */
const CSRF_403 = `with the session cookie, a missing or wrong ${CSRF_HEADER} header (csrf_failed)`;

/** What the JSON body parser itself refuses, before any schema sees the body. */
const MALFORMED_BODY_400 = 'a JSON body that does not parse, or whose top level is not an object or array (malformed_body)';
const BODY_ERRORS: Record<number, string> = {
  413: `The JSON body is larger than ${JSON_LIMIT} (payload_too_large)`,
  415: 'The body is in a Content-Encoding or character set the parser does not read (unsupported_media_type)',
};

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

export class ApiRoutes {
  readonly registry = new OpenAPIRegistry();
  readonly definitions: RouteDefinition[] = [];

  constructor() {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
    this.registry.registerComponent('securitySchemes', 'cookieAuth', {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description:
        `The agent console's session (POST /api/session). Requests other than GET/HEAD/OPTIONS made with it must send the ` +
        `session's csrfToken as the ${CSRF_HEADER} header, else 403 csrf_failed. A bearer token, when sent, is used instead`,
    });
  }

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodType>(definition: RouteDefinition<P, Q, B, H>): void {
    this.definitions.push(definition as unknown as RouteDefinition);
    this.registry.registerPath(this.describe(definition as unknown as RouteDefinition));
  }

  mount(router: Router, db: Database): void {
    const jsonBody = jsonBodyParser({ limit: JSON_LIMIT });
    for (const definition of this.definitions) {
      router[definition.method](definition.path, jsonBody, async (ctx) => {
        const agent = await authenticate(db, ctx, definition.access, {
          allowQueryToken: definition.allowQueryToken,
          sessionOnly: definition.sessionOnly,
        });
        // After authentication (anonymous callers get 401 whatever they send; the token lookup
        // only carries its hash), before validation and every handler.
        refuseUnstorableInput({ params: ctx.params, query: ctx.query, body: ctx.request.body });
        const input = {
          params: definition.params ? parseOrThrow(definition.params, ctx.params, 'params') : ctx.params,
          query: definition.query ? parseOrThrow(definition.query, ctx.query, 'query') : ctx.query,
          body: definition.body ? parseOrThrow(definition.body, ctx.request.body ?? {}, 'body') : undefined,
          headers: definition.headers ? parseOrThrow(definition.headers, ctx.headers, 'headers') : {},
          agent: agent as AuthenticatedAgent,
        };
        const result = await definition.handle(ctx, input);
        if (result !== undefined) {
          ctx.status = definition.response.status;
          ctx.body = result;
        } else if (ctx.body === undefined) {
          ctx.status = definition.response.status;
        }
      });
    }
  }

  private describe(definition: RouteDefinition): RouteConfig {
    const responses: Record<string, ResponseConfig> = {
      [definition.response.status]: {
        description: definition.response.description,
        ...(definition.response.schema
          ? {
              content: Object.fromEntries(
                [definition.response.contentType ?? 'application/json'].flat().map((type) => [type, { schema: definition.response.schema! }]),
              ),
            }
          : {}),
      },
    };
    const errors: Record<number, string> = {};
    if (definition.params || definition.query || definition.body || definition.headers) errors[400] = STANDARD_ERRORS[400]!;
    if (definition.body) Object.assign(errors, BODY_ERRORS);
    if (definition.access !== 'public') errors[401] = STANDARD_ERRORS[401]!;
    if (definition.access === 'admin') errors[403] = STANDARD_ERRORS[403]!;
    Object.assign(errors, definition.errors);
    if (definition.access !== 'public' && definition.method !== 'get') {
      errors[403] = errors[403] ? `${errors[403]}; or ${CSRF_403}` : `Refused: ${CSRF_403}`;
    }
    const also = [...(definition.body ? [MALFORMED_BODY_400] : []), INVALID_TEXT_400].join('; or ');
    errors[400] = errors[400] ? `${errors[400]}; or ${also}` : `Invalid request: ${also}`;
    for (const [status, description] of Object.entries(errors)) {
      responses[status] = { description, content: { 'application/json': { schema: errorBodySchema } } };
    }
    return {
      method: definition.method,
      path: openApiPath(definition.path),
      summary: definition.summary,
      tags: [definition.tag],
      ...(definition.access !== 'public'
        ? { security: definition.sessionOnly ? [{ cookieAuth: [] }] : [{ bearerAuth: [] }, { cookieAuth: [] }] }
        : {}),
      request: {
        ...(definition.params ? { params: definition.params as never } : {}),
        ...(definition.query ? { query: definition.query as never } : {}),
        ...(definition.headers ? { headers: definition.headers as never } : {}),
        ...(definition.body
          ? { body: { content: { 'application/json': { schema: definition.body } }, required: !definition.body.safeParse({}).success } }
          : {}),
      },
      responses,
    };
  }
}
