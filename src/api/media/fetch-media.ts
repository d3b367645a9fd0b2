// Fetches a message's media server-side with the account's credentials, so an agent's browser
// can show media Twilio keeps behind HTTP Basic auth without ever holding the auth token.
//
// Only media hosted by Twilio (or the Twilio-compatible server we call: the emulator) is
// fetched: any other URL could point anywhere, including inside our network. Redirects are
// followed by hand, each hop checked the same way (Twilio sends media requests on to its CDN),
// and credentials go only to the origin of the first URL, never to the CDN. The answer is
// buffered up to the size cap before anything is sent, so an oversized or failing fetch still
// answers with a proper error instead of a truncated file.
import { checkInboundMediaUrl, type MediaUrlPolicy } from '../../sms/media-urls.ts';
import { HttpError } from '../http-error.ts';

export interface MediaFetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const DEFAULT_MEDIA_LIMITS: MediaFetchLimits = { timeoutMs: 10_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 3 };

/** Before HTTP auth on media, Twilio's media lived in this S3 bucket (its legacy public media URLs redirect here). */
const TWILIO_LEGACY_MEDIA = { host: 's3-external-1.amazonaws.com', pathPrefix: '/media.twiliocdn.com/' };

/** The media types the console shows; SVG is refused, as it can carry script. */
export function isServableType(contentType: string): boolean {
  if (contentType === 'image/svg+xml') return false;
  return /^(image|audio|video)\/[a-z0-9.+-]+$/.test(contentType) || contentType === 'application/pdf';
}

export interface FetchedMedia {
  contentType: string;
  body: Buffer;
}

function mayFetch(url: URL, policy: MediaUrlPolicy): boolean {
  if (checkInboundMediaUrl(url.href, policy).ok) return true;
  return url.protocol === 'https:' && url.hostname === TWILIO_LEGACY_MEDIA.host && url.pathname.startsWith(TWILIO_LEGACY_MEDIA.pathPrefix);
}

const unavailable = (message: string, cause?: unknown) => new HttpError(502, 'media_unavailable', message, undefined, { cause });

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new HttpError(502, 'media_too_large', `The media is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new HttpError(502, 'media_too_large', `The media is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchMedia(
  url: string,
  credentials: { accountSid: string; authToken: string },
  policy: MediaUrlPolicy,
  limits: MediaFetchLimits = DEFAULT_MEDIA_LIMITS,
): Promise<FetchedMedia> {
  const first = new URL(url);
  const authorization = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    let target = first;
    for (let hop = 0; ; hop += 1) {
      if (!mayFetch(target, policy)) throw unavailable(`The media host redirected to ${target.host}, which is not one of Twilio's media hosts`);
      const response = await fetch(target, {
        redirect: 'manual',
        signal,
        headers: target.origin === first.origin ? { Authorization: authorization } : {},
      });
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (hop >= limits.maxRedirects) throw unavailable('The media host redirected too many times');
        target = new URL(response.headers.get('location')!, target);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw unavailable(`The media host answered ${response.status}`);
      }
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!isServableType(contentType)) {
        await response.body?.cancel();
        throw new HttpError(415, 'unsupported_media', `Media of type ${contentType || '(none)'} is not shown; only images, audio, video and PDF`);
      }
      return { contentType, body: await readCapped(response, limits.maxBytes) };
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (signal.aborted) throw new HttpError(504, 'media_unavailable', `The media host did not answer within ${limits.timeoutMs} ms`, undefined, { cause: error });
    throw unavailable('The media host could not be reached', error);
  }
}
