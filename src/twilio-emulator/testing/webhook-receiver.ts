// A stand-in for the app's webhook endpoints in tests: records every form POST Twilio (or the
// emulator) makes, checks its X-Twilio-Signature with twilio-node's validateRequest, and lets a
// test wait for what it expects instead of sleeping.
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import twilio from 'twilio';

export interface ReceivedWebhook {
  path: string;
  /** The full URL as the sender addressed it, which is what the signature covers. */
  url: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  signatureValid: boolean;
  receivedAt: number;
  /** Set when the receiver finished answering. */
  answeredAt?: number;
}

export interface WebhookAnswer {
  status?: number;
  body?: string;
  contentType?: string;
  /** Resolve to hold the answer back, e.g. to play a slow app. */
  before?: Promise<unknown>;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  authToken: string,
  answer: (webhook: ReceivedWebhook) => WebhookAnswer = () => ({}),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const changes = new EventEmitter().setMaxListeners(0);
  let baseUrl = '';

  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['form'] }));
  app.use(async (ctx) => {
    const url = baseUrl + ctx.originalUrl;
    const params = Object.fromEntries(new URLSearchParams(ctx.request.rawBody ?? ''));
    const signature = ctx.get('X-Twilio-Signature');
    const webhook: ReceivedWebhook = {
      path: ctx.path,
      url,
      params,
      headers: { ...ctx.headers },
      signatureValid: signature !== '' && twilio.validateRequest(authToken, signature, url, params),
      receivedAt: performance.now(),
    };
    received.push(webhook);
    changes.emit('changed');
    const reply = answer(webhook);
    await reply.before;
    ctx.status = reply.status ?? 200;
    ctx.type = reply.contentType ?? 'text/xml';
    ctx.body = reply.body ?? '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
    webhook.answeredAt = performance.now();
  });

  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    received,
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(received)) return false;
          clearTimeout(timer);
          changes.off('changed', check);
          resolve([...received]);
          return true;
        };
        const timer = setTimeout(() => {
          changes.off('changed', check);
          const seen = received.map((r) => `${r.path} ${r.params.MessageStatus ?? r.params.Body ?? ''}`);
          reject(new Error(`webhook receiver: condition not met within ${timeoutMs} ms; received: ${seen.join(', ') || '(nothing)'}`));
        }, timeoutMs);
        if (!check()) changes.on('changed', check);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
