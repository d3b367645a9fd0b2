// Shapes of the Twilio configuration check.
import { z } from 'zod';
import { MAX_BODY_CHARACTERS } from '../../../shared/message-limits.ts';
import { E164_PATTERN } from '../../../shared/phone-number.ts';
import { refusedAs } from '../../routing/refusal-code.ts';
import { NOT_BLANK } from '../../routing/text-field.ts';

export const twilioConfigSchema = z.object({
  configured: z.boolean().describe('Real Twilio credentials are configured (false while the built-in emulator stands in)'),
  emulated: z.boolean().describe('The built-in Twilio emulator stands in for Twilio'),
  accountSid: z.string().describe('Masked: the first 2 and last 4 characters'),
  phoneNumber: z.string().nullable().describe('TWILIO_PHONE_NUMBER, the business number'),
  messagingServiceSid: z.string().nullable(),
  apiBaseUrl: z.string().nullable().describe('TWILIO_API_BASE_URL when set (the emulator or another Twilio-compatible server); null: Twilio itself'),
  webhooks: z.object({
    inbound: z.string().describe('Set this as the number\'s "A message comes in" webhook (POST)'),
    status: z.string().describe('Named as StatusCallback on every message sent'),
  }),
});

// zod's max counts UTF-16 code units, as Twilio counts its 1600 (src/shared/message-limits.ts).
export const MAX_TEST_MESSAGE_LENGTH = MAX_BODY_CHARACTERS;

/** The business number cannot text itself: that one is refused (400 invalid_phone_number). */
function recipientField(businessNumber: string | undefined) {
  const recipient = z.string().regex(E164_PATTERN, 'must be an E.164 phone number such as +447700900123');
  if (!businessNumber) return recipient.describe('Recipient, E.164');
  return recipient
    .refine((value) => value !== businessNumber, refusedAs('invalid_phone_number', 'must be a phone other than the business number'))
    .meta({ description: `Recipient, E.164, other than the business number ${businessNumber}`, not: { const: businessNumber } });
}

export function twilioConfigActionBody(businessNumber: string | undefined) {
  return z.object({
    action: z.literal('send-test-sms').describe('The only action: send a test SMS from the business number'),
    phoneNumber: recipientField(businessNumber),
    message: z
      .string()
      .min(1, 'must not be empty')
      .max(MAX_TEST_MESSAGE_LENGTH, `must be at most ${MAX_TEST_MESSAGE_LENGTH} characters`)
      // Blank, too long as Twilio counts or too many segments: the route's checkMessageBody.
      .meta({ description: 'The text; refused as any message body is (see the 400 answer)', pattern: NOT_BLANK.source }),
  });
}

export const testSmsResultSchema = z.object({
  sid: z.string().nullable().describe("Twilio's message SID"),
  status: z.string().describe("Status when Twilio accepted it (delivery is reported later through the status webhook)"),
  messageId: z.uuid().describe('The stored message, in the conversation with that number'),
});

export type TwilioConfigView = z.infer<typeof twilioConfigSchema>;
export type TwilioConfigAction = z.infer<ReturnType<typeof twilioConfigActionBody>>;
