// GET /api/openapi.json: the OpenAPI 3.1 document, generated from the same zod schemas that
// validate requests. The Twilio webhooks are described here too (they are mounted separately
// because they take signed forms, not JSON), from the schemas their handlers parse with.
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../shared/webhook-paths.ts';
import { errorBodySchema, type ApiRoutes } from '../routing/api-routes.ts';
import { inboundSchema, statusSchema } from '../webhooks/twilio-params.ts';

const error = (description: string) => ({ description, content: { 'application/json': { schema: errorBodySchema } } });

const webhookErrors = {
  400: error(
    'A parameter we read is missing or malformed (invalid_webhook_parameters; invalid_phone_number for From or To), or the form does not parse (malformed_body). `error.details.fields` names the parameters',
  ),
  403: error('Missing or wrong X-Twilio-Signature (missing_signature, invalid_signature)'),
  413: error('Body over WEBHOOK_BODY_LIMIT (payload_too_large)'),
  415: error('Not application/x-www-form-urlencoded, or not UTF-8 (unsupported_media_type)'),
};

const signatureHeader = z.object({
  'X-Twilio-Signature': z.string().min(1).describe(
    "Base64 HMAC-SHA1, keyed with the account's auth token, of API_BASE_URL + the path (and query) Twilio called followed by every POST parameter's name and value, sorted by name. Anything else: 403",
  ),
});

/**
 * A webhook's form as the document shows it: the parameters the handler reads, with their rules,
 * and any other parameter Twilio sends (AccountSid, FromCity, …) accepted as text.
 */
function twilioForm(schema: z.ZodObject, description: string, extra: Record<string, unknown> = {}) {
  return schema.catchall(z.string()).meta({ description, ...extra });
}

const inboundForm = twilioForm(
  inboundSchema,
  'Twilio\'s "A message comes in" parameters. Only the ones listed are read; MediaUrl<N> (https on a Twilio media host, else dropped and logged) and MediaContentType<N> for N below NumMedia; any other is accepted and ignored',
  { patternProperties: { '^MediaUrl\\d+$': { type: 'string' }, '^MediaContentType\\d+$': { type: 'string' } } },
);
const statusForm = twilioForm(
  statusSchema,
  "Twilio's status callback parameters. Only the ones listed are read; the whole form is kept on the callback's audit row",
);

export function registerOpenApiRoutes(routes: ApiRoutes, info: { version: string }): void {
  routes.registry.registerPath({
    method: 'post',
    path: INBOUND_WEBHOOK_PATH,
    summary: 'Twilio: an inbound SMS/MMS (signed by Twilio; no bearer token)',
    tags: ['Twilio webhooks'],
    request: {
      headers: signatureHeader,
      body: { content: { 'application/x-www-form-urlencoded': { schema: inboundForm } }, required: true },
    },
    responses: {
      200: { description: 'Accepted by Temporal; empty TwiML (replies go through the REST API)', content: { 'text/xml': { schema: z.string() } } },
      ...webhookErrors,
      503: error('Temporal could not take the message within 5 s; Twilio retries or uses the fallback URL (temporal_unavailable)'),
    },
  });
  routes.registry.registerPath({
    method: 'post',
    path: STATUS_WEBHOOK_PATH,
    summary: 'Twilio: a message status callback (signed by Twilio; no bearer token)',
    tags: ['Twilio webhooks'],
    request: {
      headers: signatureHeader,
      body: { content: { 'application/x-www-form-urlencoded': { schema: statusForm } }, required: true },
    },
    responses: {
      204: {
        description:
          'Recorded (a message of ours, its conversation told only of an opt-out or a failure; a message not ours; or Temporal unreachable), ' +
          'or handed to the conversation when the message\'s SID is not stored yet',
      },
      ...webhookErrors,
      503: error('Neither Temporal nor the database could take it (service_unavailable, database_unavailable)'),
    },
  });

  let document: unknown;
  routes.add({
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'Meta',
    access: 'public',
    response: { status: 200, description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) },
    async handle() {
      document ??= new OpenApiGeneratorV31(routes.registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: {
          title: 'SMS conversations API',
          version: info.version,
          description: [
            'Agent workspace REST API and Twilio webhooks. Agent routes take `Authorization: Bearer <token>`.',
            'Every rule a request must meet is in this document (patterns, lengths in characters as JSON Schema counts them, enums, required fields and bodies);',
            'rules that depend on stored state (a conversation that exists, a free priority, an opted-out customer) answer 404/409/422 as each operation lists.',
            'No text may hold NUL or an unpaired surrogate (400 invalid_text): PostgreSQL cannot store them.',
          ].join(' '),
        },
      });
      return document;
    },
  });
}
