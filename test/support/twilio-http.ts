// Posting to our webhooks exactly as Twilio does: a form body signed with X-Twilio-Signature.
import twilio from 'twilio';

export async function postSignedForm(
  url: string,
  params: Record<string, string>,
  authToken: string,
  options: { signature?: string } = {},
): Promise<{ status: number; body: string; contentType: string | null }> {
  const signature = options.signature ?? twilio.getExpectedTwilioSignature(authToken, url, params);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') };
}
