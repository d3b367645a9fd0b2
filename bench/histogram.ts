// Latency distributions in HdrHistogram (microsecond resolution, 3 significant digits), so
// p99 and max are exact enough at any count and the raw histogram can be kept in the JSON
// (compressed base64, readable by any HdrHistogram implementation) for later comparison.
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LatencyDistribution extends LatencySummary {
  /** HdrHistogram V2 compressed, base64; values in microseconds. */
  histogram: string;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Milliseconds in, milliseconds out. */
export function distributionOf(valuesMs: readonly number[]): LatencyDistribution {
  const histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const value of valuesMs) histogram.recordValue(Math.max(1, Math.round(value * 1000)));
  const empty = valuesMs.length === 0;
  const max = empty ? 0 : round(histogram.maxValue / 1000);
  // A percentile is reported as its bucket's upper bound, which can exceed the true maximum.
  const at = (percentile: number) => (empty ? 0 : Math.min(max, round(histogram.getValueAtPercentile(percentile) / 1000)));
  const distribution = {
    count: valuesMs.length,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max,
    mean: empty ? 0 : round(histogram.mean / 1000),
    histogram: encodeIntoCompressedBase64(histogram),
  };
  histogram.destroy();
  return distribution;
}

export function summaryOf({ count, p50, p95, p99, max, mean }: LatencySummary): LatencySummary {
  return { count, p50, p95, p99, max, mean };
}
