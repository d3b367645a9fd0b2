// The slice of Twilio's REST API the project uses: create, fetch and list Messages.
import { Router } from '@koa/router';
import type { Logger } from 'pino';
import { requireAccountCredentials } from './basic-auth.ts';
import { countSegments } from './count-segments.ts';
import { parseCreateMessageRequest } from './create-message-request.ts';
import type { DeliverySimulator } from './delivery-simulator.ts';
import { FormParams } from './form-params.ts';
import type { MessageStore } from './message-store.ts';
import { API_VERSION, toMessagePage, toMessageResource } from './message-resource.ts';
import type { SendBehaviour } from './send-behaviour.ts';
import { newSid } from './sids.ts';
import { injectedFailure, twilioErrors } from './twilio-api-error.ts';
import type { EmulatedMessage } from './types.ts';

export interface MessagesApiDeps {
  accountSid: string;
  authToken: string;
  store: MessageStore;
  behaviour: SendBehaviour;
  simulator: DeliverySimulator;
  logger: Logger;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export function messagesApiRouter(deps: MessagesApiDeps): Router {
  const { accountSid, store, behaviour, simulator, logger } = deps;
  const router = new Router({ prefix: `/${API_VERSION}/Accounts/:AccountSid` });
  const auth = requireAccountCredentials(accountSid, deps.authToken);

  router.post('/Messages.json', auth, (ctx) => {
    const injectedStatus = behaviour.takeInjectedFailure();
    if (injectedStatus !== undefined) throw injectedFailure(injectedStatus);

    // twilio-node always sends a form; anything else carries no parameters Twilio would read.
    const raw = ctx.request.is('application/x-www-form-urlencoded') ? ctx.request.rawBody : '';
    const request = parseCreateMessageRequest(new FormParams(raw ?? ''), (to) => behaviour.isOptedOut(to));

    const now = new Date().toISOString();
    const message: EmulatedMessage = {
      sid: newSid(request.mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid,
      to: request.to,
      from: request.from,
      messagingServiceSid: request.messagingServiceSid,
      body: request.body,
      mediaUrls: request.mediaUrls,
      // Twilio answers `accepted` while a Messaging Service still has to pick the sender.
      status: request.from === null ? 'accepted' : 'queued',
      numSegments: countSegments(request.body),
      statusCallback: request.statusCallback,
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      errorCode: null,
    };
    store.add(message);
    logger.info({ messageSid: message.sid, status: message.status }, 'message accepted');
    simulator.start(structuredClone(message), behaviour.deliveryOutcome(message.to), {
      dropCallbacks: behaviour.dropsStatusCallbacks(message.to),
    });

    ctx.status = 201;
    ctx.body = toMessageResource(message);
  });

  router.get('/Messages/:Sid.json', auth, (ctx) => {
    const message = store.get(ctx.params.Sid ?? '');
    if (!message || message.accountSid !== accountSid) throw twilioErrors.notFound(ctx.path);
    ctx.body = toMessageResource(message);
  });

  router.get('/Messages.json', auth, (ctx) => {
    const to = queryValue(ctx.query.To);
    const from = queryValue(ctx.query.From);
    const pageSize = clamp(Number(queryValue(ctx.query.PageSize) ?? DEFAULT_PAGE_SIZE), 1, MAX_PAGE_SIZE);
    const page = Math.max(0, Math.trunc(Number(queryValue(ctx.query.Page) ?? 0)) || 0);
    // Twilio lists newest first.
    const matching = store
      .all()
      .filter((m) => (to === undefined || m.to === to) && (from === undefined || m.from === from))
      .reverse();
    ctx.body = toMessagePage(matching, {
      accountSid,
      filters: { ...(to ? { To: to } : {}), ...(from ? { From: from } : {}) },
      page,
      pageSize,
    });
  });

  return router;
}

function queryValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return DEFAULT_PAGE_SIZE;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
