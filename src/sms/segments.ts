// How Twilio will split and encode a body: GSM-7 (160 characters, 153 per part) or UCS-2
// (70, 67 per part). One measure for the whole project: src/shared/message-limits.ts, which uses
// Twilio's own segment calculator rather than a hand-written table.
import { measureBody, type SmsEncoding } from '../shared/message-limits.ts';

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
}

// The calculator splits the body into graphemes, which costs more CPU than everything else done
// to record an outbound message (benchmark CPU profile: ≈ 1.4 % of the main thread at 10 texts/s).
// Most outbound bodies are a few rules' replies, so the answers are remembered (bounded).
const MEMO_LIMIT = 500;
const memo = new Map<string, SegmentInfo>();

export function segmentInfo(body: string): SegmentInfo {
  const known = memo.get(body);
  if (known) return { ...known };
  const { encoding, segments } = measureBody(body);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(body, { encoding, segments });
  return { encoding, segments };
}
