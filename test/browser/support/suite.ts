// What every browser suite does around its scenarios: a warm-up text (so timed scenarios do not
// pay for the worker's cold caches) and scenarios that mark the run failed, so the stack keeps
// its process logs for the one who reads the failure.
import { it } from 'vitest';
import { newCustomerNumber } from '../../support/stack.ts';
import { waitFor } from '../../support/wait-for.ts';
import type { ConsoleStack } from './console-stack.ts';

/** One text through the whole pipeline, waited for until stored. */
export async function warmUp(stack: ConsoleStack): Promise<void> {
  const customer = newCustomerNumber();
  await stack.text(customer, 'warming up');
  await waitFor('the warm-up text stored', async () => (await stack.db.message.count({ where: { fromNumber: customer } })) === 1, 30_000, 100);
}

/** `scenario` is vitest's `it` that records a failure; `failed()` says whether one happened. */
export function scenarios(): { scenario: (name: string, run: () => Promise<void>) => void; failed: () => boolean } {
  let failed = false;
  return {
    failed: () => failed,
    scenario(name, run) {
      it(name, async () => {
        try {
          await run();
        } catch (error) {
          failed = true;
          throw error;
        }
      });
    },
  };
}
