// Segment counting follows Twilio's own rules (GSM-7 160/153, UCS-2 70/67, extension-table
// characters taking two septets); Twilio publishes those rules as sms-segments-calculator, so we
// use it instead of re-deriving the GSM-7 tables here.
import { SegmentedMessage } from 'sms-segments-calculator';

export function countSegments(body: string): number {
  // An MMS without text is still billed and reported by Twilio as one segment.
  if (body === '') return 1;
  return new SegmentedMessage(body).segmentsCount;
}
