// Segment counting follows Twilio's own rules (GSM-7 160/153, UCS-2 70/67, extension-table
// characters taking two septets), measured by the same function the app judges bodies with,
// which uses Twilio's published calculator (sms-segments-calculator).
import { measureBody } from '../shared/message-limits.ts';

export function countSegments(body: string): number {
  // An MMS without text is still billed and reported by Twilio as one segment.
  return measureBody(body).segments;
}
