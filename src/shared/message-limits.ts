// What may go out as one SMS body, judged the same way by the API (before anything starts), the
// workflow's update validator (the authority) and the Twilio emulator (standing in for Twilio).
// Pure and deterministic, so workflow code may import it.
//
// How Twilio counts the 1600: the Messages API refuses a Body over 1,600 characters with 21617
// ("The concatenated message body exceeds the 1600 character limit"), and its error page warns
// that emoji and other non-GSM-7 characters "can use more space … and cause the message to exceed
// the limit sooner than expected" (https://www.twilio.com/docs/api/errors/21617). What it counts
// is UTF-16 code units: a reply of 900 emoji (900 code points, 1800 code units) was refused with
// 21617 (issue "Truthful state agents can rely on"). So a character outside the Basic
// Multilingual Plane (an emoji, each half of a flag) counts 2 here and everything else 1 —
// `string.length`, not `[...string].length`. (Whether Twilio counts a GSM-7 extension character
// such as € as 2 is not documented; it counts 1 here, and the segment cap below bounds those.)
//
// Our own cap on segments: Twilio accepts a UCS-2 body of 1600 code units, which goes out as 24+
// billed segments, and carriers may refuse such long UCS-2 messages with 30019; Twilio recommends
// staying under 320 characters (https://support.twilio.com/hc/en-us/articles/360033806753).
// We refuse anything over MAX_SEGMENTS, the segments of the longest GSM-7 body Twilio accepts
// (1600 / 153 per part → 11). So no GSM-7 body Twilio takes is refused, and a UCS-2 body may cost
// no more than the longest plain-text one (about 737 characters, fewer with emoji).
import { SegmentedMessage } from 'sms-segments-calculator';

/** Twilio's limit for one message body, in UTF-16 code units (see above). */
export const MAX_BODY_CHARACTERS = 1600;
/** GSM-7 characters per part of a multi-part message (160 minus the concatenation header). */
const GSM7_PER_PART = 153;
/** Our cap: the segments of a 1600-character GSM-7 body. */
export const MAX_SEGMENTS = Math.ceil(MAX_BODY_CHARACTERS / GSM7_PER_PART);

/** Bodies up to this many code units are measured even when refused, so the refusal can say why. */
const MEASURE_LIMIT = 2 * MAX_BODY_CHARACTERS;

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface BodyMeasure {
  /** As Twilio counts them against the 1600: UTF-16 code units. */
  characters: number;
  encoding: SmsEncoding;
  /** As Twilio will split and bill it (Twilio's own calculator); an empty body (MMS) is 1. */
  segments: number;
}

export type BodyRefusalCode = 'invalid_message' | 'body_too_long' | 'too_many_segments';

export interface BodyRefusal {
  ok: false;
  code: BodyRefusalCode;
  message: string;
  /**
   * The counts and the limits they broke, for the caller to show. A body over twice the limit
   * is not measured (the calculator's cost grows faster than the text), so it has no encoding
   * or segments.
   */
  details: Partial<BodyMeasure> & { characters: number; maxCharacters: number; maxSegments: number };
}

export type BodyCheck = ({ ok: true } & BodyMeasure) | BodyRefusal;

/** Codes a refusal can carry, for callers that map them (the API, from a workflow's refusal). */
export const BODY_REFUSAL_CODES: readonly BodyRefusalCode[] = ['invalid_message', 'body_too_long', 'too_many_segments'];

export function twilioCharacterCount(body: string): number {
  return body.length;
}

export function measureBody(body: string): BodyMeasure {
  const message = new SegmentedMessage(body);
  return {
    characters: twilioCharacterCount(body),
    encoding: message.getEncodingName() === 'UCS-2' ? 'UCS-2' : 'GSM-7',
    segments: Math.max(1, message.segmentsCount),
  };
}

function refusal(code: BodyRefusalCode, message: string, measure: Partial<BodyMeasure> & { characters: number }): BodyRefusal {
  return { ok: false, code, message, details: { ...measure, maxCharacters: MAX_BODY_CHARACTERS, maxSegments: MAX_SEGMENTS } };
}

/** Measures a body unless it is too long to measure cheaply; then only its length is known. */
function measureIfSmall(body: string): BodyMeasure | Pick<BodyMeasure, 'characters'> {
  return body.length <= MEASURE_LIMIT ? measureBody(body) : { characters: twilioCharacterCount(body) };
}

/**
 * Judges one outbound body. `allowEmpty`: a message with media may have no text (the workflow
 * allows it; the agent API always asks for text).
 */
export function checkMessageBody(body: string, options: { allowEmpty?: boolean } = {}): BodyCheck {
  if (!options.allowEmpty && !body.trim()) return refusal('invalid_message', 'The message body is empty', measureIfSmall(body));
  const characters = twilioCharacterCount(body);
  if (characters > MAX_BODY_CHARACTERS) {
    return refusal(
      'body_too_long',
      `The message body is ${characters} characters as Twilio counts them (an emoji counts 2); Twilio accepts at most ${MAX_BODY_CHARACTERS}`,
      measureIfSmall(body),
    );
  }
  const measure = measureBody(body);
  if (measure.segments > MAX_SEGMENTS) {
    return refusal(
      'too_many_segments',
      `The message would go out as ${measure.segments} ${measure.encoding} segments; at most ${MAX_SEGMENTS} are allowed (text with emoji or other characters outside GSM-7 is sent as UCS-2, 67 characters a segment)`,
      measure,
    );
  }
  return { ok: true, ...measure };
}
