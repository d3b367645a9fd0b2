// Twilio's two webhooks. They check the signature, hand the message to Temporal durably and
// answer: an inbound text gets 200 only once Temporal has it, 503 when it cannot be reached so
// Twilio retries (or uses the fallback URL). A status callback is never retried by Twilio, so
// it is recorded directly when it cannot be handed over (see status-callback-intake.ts).
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import twilio from 'twilio';
import type { Database } from '../../infra/database.ts';
import type { Logger } from '../../infra/logger.ts';
import { timeHandoff, type ApiMetrics } from '../../metrics/api-metrics.ts';
import { conversationWorkflowId } from '../../shared/workflow-id.ts';
import type { ConversationGateway } from '../../temporal/conversation-client.ts';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../shared/webhook-paths.ts';
import { HttpError } from '../http-error.ts';
import { ROUTER_OPTIONS } from '../routing/router-methods.ts';
import { takeStatusCallback } from './status-callback-intake.ts';
import type { MediaUrlPolicy } from '../../sms/media-urls.ts';
import { parseInboundSms, toStatusReport } from './twilio-params.ts';
import { formParams, requireTwilioSignature, storableParams } from './twilio-signature.ts';

export interface TwilioWebhookDeps {
  db: Database;
  gateway: ConversationGateway;
  authToken: string;
  publicBaseUrl: string;
  bodyLimit: string;
  /** Which inbound media URLs are kept (Twilio's hosts, and TWILIO_API_BASE_URL's origin). */
  media: MediaUrlPolicy;
  log: Logger;
  /** Hand-off latency and failures, status callbacks by status (webhook requests: webhook-metrics.ts). */
  metrics?: ApiMetrics;
}

const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();
const DROPPED_MEDIA = 'inbound media URLs that are not https on a Twilio media host were dropped; the text is kept';
const NORMALIZED = 'webhook parameters held NUL or unpaired surrogates; stored with U+FFFD in their place';

const requireForm: Middleware = async (ctx, next) => {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'unsupported_media_type', 'Twilio webhooks are application/x-www-form-urlencoded');
  }
  await next();
};

async function handOver(log: Logger, metrics: ApiMetrics | undefined, what: string, deliver: () => Promise<string>): Promise<void> {
  try {
    await timeHandoff(metrics, 'inbound', deliver);
    log.debug(`${what} handed to Temporal`);
  } catch (error) {
    log.error({ err: error }, `could not hand ${what} to Temporal`);
    throw new HttpError(503, 'temporal_unavailable', 'The message could not be accepted right now; retry later');
  }
}

export function twilioWebhookRouter(deps: TwilioWebhookDeps): Router {
  const router = new Router(ROUTER_OPTIONS);
  const accept = [
    requireForm,
    bodyParser({ enableTypes: ['form'], formLimit: deps.bodyLimit, encoding: 'utf-8' }),
    requireTwilioSignature(deps.authToken, deps.publicBaseUrl),
  ];

  const health = (webhook: string): Middleware => (ctx) => {
    ctx.body = { status: 'ok', webhook, accepts: 'POST application/x-www-form-urlencoded signed by Twilio' };
  };
  router.get(INBOUND_WEBHOOK_PATH, health('inbound-sms'));
  router.get(STATUS_WEBHOOK_PATH, health('sms-status'));

  router.post(INBOUND_WEBHOOK_PATH, ...accept, async (ctx) => {
    // Text PostgreSQL cannot hold (NUL, unpaired surrogates) is replaced, not refused: Twilio
    // does not retry a 4xx, so refusing would lose the text; storing it raw would fail forever.
    const { params, changed } = storableParams(formParams(ctx.request.body));
    const parsed = parseInboundSms(params, { media: deps.media });
    const sms = { ...parsed.sms, ...(changed.has('Body') ? { bodyNormalized: true } : {}) };
    // Every line about this text names it and its conversation's workflow.
    const log = deps.log.child({ messageSid: sms.messageSid, workflowId: conversationWorkflowId(sms.to, sms.from) });
    if (changed.size > 0) log.warn({ parameters: [...changed] }, NORMALIZED);
    if (parsed.droppedMedia.length > 0) log.warn({ droppedMedia: parsed.droppedMedia }, DROPPED_MEDIA);
    await handOver(log, deps.metrics, 'inbound message', () => deps.gateway.deliverInbound(sms));
    // Replies go out through the REST API (so they have SIDs and status callbacks), never TwiML.
    ctx.type = 'text/xml';
    ctx.body = EMPTY_TWIML;
  });

  router.post(STATUS_WEBHOOK_PATH, ...accept, async (ctx) => {
    // The payload goes into a jsonb audit column, which refuses \u0000 and unpaired surrogates.
    const { params, changed } = storableParams(formParams(ctx.request.body));
    const report = toStatusReport(params);
    // A callback's From is our business number, its To the customer.
    const log = deps.log.child({ messageSid: report.messageSid, workflowId: conversationWorkflowId(report.from, report.to), status: report.status });
    if (changed.size > 0) log.warn({ parameters: [...changed] }, NORMALIZED);
    const outcome = await takeStatusCallback(deps, report, log);
    deps.metrics?.statusCallbacks.inc({ status: report.status, outcome });
    ctx.status = 204;
  });

  return router;
}
