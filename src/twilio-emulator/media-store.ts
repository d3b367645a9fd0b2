// Message media the emulator serves at Twilio's Media resource path. Any media SID it was not
// given answers a generated PNG, so every well-formed media URL of this emulator shows something;
// tests register other answers (a content type, a size, a slow or redirecting answer).
import { randomBytes } from 'node:crypto';

export interface EmulatedMediaInput {
  contentType: string;
  body: Buffer;
  /** Answer only after this long (a slow media host). */
  delayMs?: number;
  /** Answer 307 to this URL instead (Twilio redirects media to its CDN). */
  redirectTo?: string;
}

export class MediaStore {
  private readonly media = new Map<string, EmulatedMediaInput>();

  add(input: EmulatedMediaInput): { messageSid: string; mediaSid: string } {
    const mediaSid = `ME${randomBytes(16).toString('hex')}`;
    this.media.set(mediaSid, input);
    return { messageSid: `MM${randomBytes(16).toString('hex')}`, mediaSid };
  }

  get(mediaSid: string): EmulatedMediaInput | undefined {
    return this.media.get(mediaSid);
  }
}
