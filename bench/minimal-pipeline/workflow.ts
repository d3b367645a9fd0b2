// The minimal pipeline's workflow: the least Temporal work per text that is still durable. One
// workflow per conversation; each text is handled by one local activity (store, decide, send),
// each status callback by one more (store). Local activities run inside the workflow task that
// asks for them, so a text costs the server the signalWithStart and one workflow task, and each
// status callback a signal and one workflow task. Bundled on its own (start.ts), never by the product.
import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { MinimalActivities } from './activities.ts';
import { MINIMAL_STATUS_SIGNAL, MINIMAL_TEXT_SIGNAL, type MinimalStatus, type MinimalText } from './messages.ts';

const textSignal = defineSignal<[MinimalText]>(MINIMAL_TEXT_SIGNAL);
const statusSignal = defineSignal<[MinimalStatus]>(MINIMAL_STATUS_SIGNAL);

const { storeDecideSend, storeStatus } = proxyLocalActivities<MinimalActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

export async function minimalConversation(): Promise<void> {
  const texts: MinimalText[] = [];
  const statuses: MinimalStatus[] = [];
  // Twilio may redeliver a webhook: one reply per MessageSid, decided here where it is durable.
  const seen = new Set<string>();
  setHandler(textSignal, (text) => {
    if (seen.has(text.messageSid)) return;
    seen.add(text.messageSid);
    texts.push(text);
  });
  setHandler(statusSignal, (status) => void statuses.push(status));
  // Texts in order, one at a time, as the product answers them; no continue-as-new (a benchmark
  // conversation sees a handful of texts).
  for (;;) {
    await condition(() => texts.length > 0 || statuses.length > 0);
    const text = texts.shift();
    if (text) await storeDecideSend(text);
    const status = statuses.shift();
    if (status) await storeStatus(status);
  }
}
