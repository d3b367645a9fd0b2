/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`
 * with the last observation in the message. For state in a database or a workflow, which
 * announces nothing; never a fixed sleep.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
