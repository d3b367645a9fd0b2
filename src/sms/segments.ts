// How Twilio will split and encode a body: GSM-7 (160 characters, 153 per part) or UCS-2
// (70, 67 per part). Uses Twilio's own segment calculator rather than a hand-written table.
import { SegmentedMessage } from 'sms-segments-calculator';

export interface SegmentInfo {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
}

export function segmentInfo(body: string): SegmentInfo {
  const message = new SegmentedMessage(body);
  return { encoding: message.getEncodingName() === 'UCS-2' ? 'UCS-2' : 'GSM-7', segments: Math.max(1, message.segmentsCount) };
}
