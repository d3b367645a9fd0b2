// The load-generator child process: plays Twilio, posting signed inbound-SMS webhooks on an
// open-loop schedule. It is a process of its own so its CPU is not counted as the system's and
// its timing does not stall when the system's event loop is busy (as Twilio's would not).
import { Agent, request } from 'node:http';
import { customerNumber } from './customers.ts';
import { runOpenLoop } from './load-generator.ts';
import type { ChildMessage, ParentMessage, SentWebhook, WebhookJob, WebhookJobResult } from './load-protocol.ts';
import { signedInboundWebhook } from './twilio-inbound.ts';

// Keep-alive like any busy HTTP client; bounded so a stalled server cannot exhaust descriptors
// (requests beyond it wait for a socket, and that wait counts in their latency).
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent, signal }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function runJob(job: WebhookJob): Promise<WebhookJobResult> {
  const url = new URL(job.url);
  const meta: Array<{ messageSid: string; from: string; status: number }> = [];
  const result = await runOpenLoop(job.plan, async (index, signal) => {
    const from = customerNumber(job.customers, index);
    const webhook = signedInboundWebhook({ url: job.url, authToken: job.authToken, accountSid: job.accountSid, from, to: job.businessNumber, body: job.body });
    meta[index] = { messageSid: webhook.messageSid, from, status: 0 };
    const status = await post(url, webhook.headers, webhook.body, signal);
    meta[index]!.status = status;
    if (status !== 200) throw new Error(`HTTP ${status}`);
  });
  const sent: SentWebhook[] = result.outcomes.map((outcome) => {
    const info = meta[outcome.index] ?? { messageSid: '', from: customerNumber(job.customers, outcome.index), status: 0 };
    return {
      messageSid: info.messageSid,
      from: info.from,
      scheduledAt: outcome.scheduledAt,
      startedAt: outcome.startedAt,
      finishedAt: outcome.finishedAt,
      status: info.status,
      ok: outcome.ok,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  });
  return { startedAt: result.startedAt, finishedAt: result.finishedAt, sent };
}

function reply(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'exit') {
    agent.destroy();
    process.exit(0);
  }
  runJob(message.job).then(
    (result) => reply({ type: 'result', id: message.id, result }),
    (error: unknown) => reply({ type: 'error', id: message.id, message: String(error) }),
  );
});
// The benchmark going away (crash, Ctrl-C) takes this process with it.
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
