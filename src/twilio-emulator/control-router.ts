// Emulator-only routes (not part of Twilio's API) so tests and people running the standalone
// emulator can look inside it and play the customer over HTTP.
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { isE164 } from '../shared/phone-number.ts';
import { NoInboundWebhookUrlError } from './inbound-sms.ts';
import type { MessageStore } from './message-store.ts';
import type { SendBehaviour } from './send-behaviour.ts';
import { httpMirrorError } from './twilio-api-error.ts';
import type { InboundSmsInput, InboundSmsResult } from './types.ts';

export interface InboundRecord {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  url: string;
  /** HTTP status the app answered with; 0 when it could not be reached. */
  responseStatus: number;
  dateCreated: string;
}

export interface ControlDeps {
  store: MessageStore;
  behaviour: SendBehaviour;
  inboundLog: () => InboundRecord[];
  sendInbound: (input: InboundSmsInput) => Promise<InboundSmsResult>;
}

const phoneNumber = z.string().refine(isE164, 'must be an E.164 phone number such as +447700900123');

const inboundSchema = z.object({
  from: phoneNumber,
  to: phoneNumber,
  body: z.string(),
  mediaUrls: z.array(z.url()).optional(),
  messageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/).optional(),
  messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
  url: z.url().optional(),
});
const optOutSchema = z.object({ phoneNumber });
const deliveryOutcomeSchema = z.object({
  phoneNumber,
  outcome: z.enum(['delivered', 'undelivered', 'failed']),
});
const droppedCallbacksSchema = z.object({ phoneNumber });
const sendFailuresSchema = z.object({
  count: z.number().int().min(0),
  httpStatus: z.number().int().min(400).max(599),
});

export function controlRouter(deps: ControlDeps): Router {
  const router = new Router({ prefix: '/_emulator' });

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/messages', (ctx) => {
    ctx.body = { messages: deps.store.all(), inbound: deps.inboundLog() };
  });

  router.post('/inbound', async (ctx) => {
    const input = jsonBody(ctx, inboundSchema);
    let result: InboundSmsResult;
    try {
      result = await deps.sendInbound(input);
    } catch (error) {
      if (error instanceof NoInboundWebhookUrlError) throw httpMirrorError(400, error.message);
      throw httpMirrorError(502, `The inbound webhook could not be reached: ${errorMessage(error)}`);
    }
    ctx.body = { messageSid: result.messageSid, status: result.status };
  });

  router.post('/opt-outs', (ctx) => {
    const { phoneNumber } = jsonBody(ctx, optOutSchema);
    deps.behaviour.markOptedOut(phoneNumber);
    ctx.status = 201;
    ctx.body = { optedOut: deps.behaviour.optedOutNumbers() };
  });

  router.post('/delivery-outcomes', (ctx) => {
    const { phoneNumber, outcome } = jsonBody(ctx, deliveryOutcomeSchema);
    deps.behaviour.setDeliveryOutcome(phoneNumber, outcome);
    ctx.status = 204;
  });

  // Messages to this number from now on progress without posting any status callback.
  router.post('/dropped-callbacks', (ctx) => {
    const { phoneNumber } = jsonBody(ctx, droppedCallbacksSchema);
    deps.behaviour.dropStatusCallbacks(phoneNumber);
    ctx.status = 204;
  });

  router.post('/send-failures', (ctx) => {
    const { count, httpStatus } = jsonBody(ctx, sendFailuresSchema);
    deps.behaviour.failNextSends(count, httpStatus);
    ctx.status = 204;
  });

  return router;
}

function jsonBody<T>(ctx: Context, schema: z.ZodType<T>): T {
  if (!ctx.request.is('application/json')) throw httpMirrorError(415, 'Send a JSON body (Content-Type: application/json).');
  const parsed = schema.safeParse(ctx.request.body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw httpMirrorError(400, problems.join('; '));
  }
  return parsed.data;
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } }).cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause === 'string' ? `${message} (${cause})` : message;
}
