// GET /api/openapi.json: the OpenAPI 3.1 document, generated from the same zod schemas that
// validate requests. The Twilio webhooks are described here too (they are mounted separately
// because they take signed forms, not JSON).
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../shared/webhook-paths.ts';
import { errorBodySchema, type ApiRoutes } from '../routing/api-routes.ts';

const twilioForm = z.record(z.string(), z.string()).describe('Twilio webhook parameters, form-encoded and signed with X-Twilio-Signature');
const webhookErrors = {
  400: { description: 'A parameter is missing or malformed (invalid_webhook_parameters, invalid_phone_number, malformed_body)', content: { 'application/json': { schema: errorBodySchema } } },
  403: { description: 'Missing or wrong X-Twilio-Signature (missing_signature, invalid_signature)', content: { 'application/json': { schema: errorBodySchema } } },
  413: { description: 'Body over WEBHOOK_BODY_LIMIT (payload_too_large)', content: { 'application/json': { schema: errorBodySchema } } },
  415: { description: 'Not application/x-www-form-urlencoded (unsupported_media_type)', content: { 'application/json': { schema: errorBodySchema } } },
  503: { description: 'Temporal could not take the message; Twilio retries (temporal_unavailable)', content: { 'application/json': { schema: errorBodySchema } } },
};

export function registerOpenApiRoutes(routes: ApiRoutes, info: { version: string }): void {
  routes.registry.registerPath({
    method: 'post',
    path: INBOUND_WEBHOOK_PATH,
    summary: 'Twilio: an inbound SMS/MMS',
    tags: ['Twilio webhooks'],
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: twilioForm } } } },
    responses: {
      200: { description: 'Accepted by Temporal; empty TwiML (replies go through the REST API)', content: { 'text/xml': { schema: z.string() } } },
      ...webhookErrors,
    },
  });
  routes.registry.registerPath({
    method: 'post',
    path: STATUS_WEBHOOK_PATH,
    summary: 'Twilio: a message status callback',
    tags: ['Twilio webhooks'],
    request: { body: { content: { 'application/x-www-form-urlencoded': { schema: twilioForm } } } },
    responses: { 204: { description: 'Accepted by Temporal' }, ...webhookErrors },
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
          description: 'Agent workspace REST API and Twilio webhooks. Agent routes take `Authorization: Bearer <token>`.',
        },
      });
      return document;
    },
  });
}
