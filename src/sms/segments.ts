// How Twilio will split and encode a body: GSM-7 (160 characters, 153 per part) or UCS-2
// (70, 67 per part). One measure for the whole project: src/shared/message-limits.ts, which uses
// Twilio's own segment calculator rather than a hand-written table.
import { measureBody, type SmsEncoding } from '../shared/message-limits.ts';

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
}

export function segmentInfo(body: string): SegmentInfo {
  const { encoding, segments } = measureBody(body);
  return { encoding, segments };
}
