// The minimal pipeline's webhook receiver, on node:http: read the form, check X-Twilio-Signature
// with twilio-node's validateRequest (as the product does), hand the text or the status callback
// to Temporal, answer. Texts signalWithStart their conversation; status callbacks signal it.
// Nothing else: no Koa, no body-parser, no metrics — the least an HTTP hop can do.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import twilio from 'twilio';
import { MINIMAL_STATUS_SIGNAL, MINIMAL_TEXT_SIGNAL, MINIMAL_WORKFLOW_TYPE, minimalWorkflowId } from './messages.ts';

export const MINIMAL_INBOUND_PATH = '/sms';
export const MINIMAL_STATUS_PATH = '/status';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface MinimalWebhookServer {
  baseUrl: string;
  close(): Promise<void>;
}

async function readForm(request: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

export async function startMinimalWebhookServer(options: { client: Client; taskQueue: string; authToken: string; port?: number }): Promise<MinimalWebhookServer> {
  const { client, taskQueue, authToken } = options;
  let baseUrl = '';
  const handle = async (request: http.IncomingMessage): Promise<number> => {
    if (request.method !== 'POST' || (request.url !== MINIMAL_INBOUND_PATH && request.url !== MINIMAL_STATUS_PATH)) return 404;
    const params = await readForm(request);
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || !twilio.validateRequest(authToken, signature, baseUrl + request.url, params)) return 403;
    if (request.url === MINIMAL_INBOUND_PATH) {
      const text = { messageSid: params.MessageSid ?? '', from: params.From ?? '', to: params.To ?? '', body: params.Body ?? '' };
      await client.workflow.signalWithStart(MINIMAL_WORKFLOW_TYPE, {
        workflowId: minimalWorkflowId(text.to, text.from),
        taskQueue,
        args: [],
        signal: MINIMAL_TEXT_SIGNAL,
        signalArgs: [text],
      });
    } else {
      // A status callback is about our reply: From is the business number, To the customer.
      await client.workflow
        .getHandle(minimalWorkflowId(params.From ?? '', params.To ?? ''))
        .signal(MINIMAL_STATUS_SIGNAL, { messageSid: params.MessageSid ?? '', status: params.MessageStatus ?? '' });
    }
    return 200;
  };
  const server = http.createServer((request, response) => {
    handle(request).then(
      (status) => {
        response.writeHead(status, { 'Content-Type': 'text/xml' });
        response.end(status === 200 ? EMPTY_TWIML : '');
      },
      // Temporal did not take it: 5xx, so Twilio would redeliver.
      () => {
        response.writeHead(503);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
