// One clock for every process of the benchmark: epoch milliseconds with sub-millisecond
// resolution. The load-generator child and this process share the wall clock, so a webhook's
// scheduled time (child) and its reply's arrival at the emulator (here) can be subtracted.
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
