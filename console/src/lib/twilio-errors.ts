// Twilio's delivery error codes in words, as Twilio's error dictionary names them
// (https://www.twilio.com/docs/api/errors), for the codes a contact centre actually meets.
// Anything else shows the stored error message, or the code with a pointer to the dictionary.
const WORDS: Record<number, string> = {
  21211: 'Invalid “To” phone number',
  21408: 'Sending to this region is not enabled on the account',
  21610: 'The customer has opted out (replied STOP)',
  21612: 'Twilio cannot route to this number',
  21614: 'The number is not a mobile number',
  21617: 'The message is longer than Twilio’s 1600 characters',
  30001: 'Queue overflow: too many messages queued',
  30002: 'The Twilio account is suspended',
  30003: 'Unreachable destination handset (phone off or out of coverage)',
  30004: 'Message blocked by the recipient or their carrier',
  30005: 'Unknown destination handset (the number may not exist)',
  30006: 'Landline or unreachable carrier',
  30007: 'Filtered by the carrier as spam',
  30008: 'Unknown error from the carrier',
  30019: 'Content size exceeds the carrier’s limit',
  30034: 'Sender not registered for A2P 10DLC',
};

export function deliveryErrorWords(code: number | null, storedMessage: string | null): string {
  if (code !== null && WORDS[code]) return `${WORDS[code]} (error ${code})`;
  if (storedMessage) return code !== null ? `${storedMessage} (error ${code})` : storedMessage;
  return code !== null ? `Twilio error ${code}` : 'Not delivered';
}
