// Waits for the system to go quiet before a comparison phase: a backlog left by an earlier phase
// (scenario 4 stops when replies fall behind) would otherwise be charged to whichever pipeline
// runs next. Quiet = no message accepted by the emulator for `quietMs`; bounded by `maxMs`.
import { epochMs, sleep } from './clock.ts';
import type { ReplyTap } from './reply-tap.ts';

export async function settle(tap: ReplyTap, maxMs: number, quietMs = 2_000): Promise<{ waitedMs: number; quiet: boolean }> {
  const start = epochMs();
  let count = tap.accepted;
  let lastChange = start;
  while (epochMs() - start < maxMs) {
    await sleep(250);
    if (tap.accepted !== count) {
      count = tap.accepted;
      lastChange = epochMs();
    } else if (epochMs() - lastChange >= quietMs) {
      return { waitedMs: epochMs() - start, quiet: true };
    }
  }
  return { waitedMs: epochMs() - start, quiet: false };
}
