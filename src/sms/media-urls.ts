// Which media URLs we accept, store and show. Every media URL ends up as a link in an agent's
// console, so a `javascript:` or `data:` URL, or one that leads an agent's browser to a host that
// only pretends to be Twilio, must never be stored or served.
//
// Inbound (Twilio's webhook): Twilio stores what a customer sends and names it by its own Media
// resource, https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME… (fetching it
// redirects to Twilio's CDN, *.twiliocdn.com; https://www.twilio.com/docs/messaging/api/media-resource).
// Twilio signs the request, so anything else is a forged or an odd request: the text is kept and
// the URL dropped. The Twilio-compatible server we are configured to call (TWILIO_API_BASE_URL:
// the emulator, which stands in for Twilio's media host too) is trusted like Twilio, on its own
// origin only, http included (the emulator runs on loopback).
//
// Outbound (an agent's mediaUrls): Twilio fetches the file from wherever the business hosts it,
// so any host, but https only (plain http would let anyone on the path swap the file a customer
// gets) and without credentials in the URL (every agent would see them).

/** Hosts (and their subdomains) Twilio serves message media from. */
export const TWILIO_MEDIA_HOSTS = ['twilio.com', 'twiliocdn.com'] as const;

export interface MediaUrlPolicy {
  /** TWILIO_API_BASE_URL when set: a Twilio-compatible server whose media we trust like Twilio's. */
  twilioApiBaseUrl?: string;
}

export type MediaUrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function originOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : parse(url)?.origin;
}

function isTwilioMediaHost(hostname: string): boolean {
  return TWILIO_MEDIA_HOSTS.some((host) => hostname === host || hostname.endsWith(`.${host}`));
}

/** A media URL from Twilio's inbound webhook; `url` is the normalised form to store. */
export function checkInboundMediaUrl(url: string, policy: MediaUrlPolicy): MediaUrlVerdict {
  const parsed = parse(url);
  if (!parsed) return { ok: false, reason: 'is not a URL' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'carries credentials' };
  const trustedOrigin = originOf(policy.twilioApiBaseUrl);
  if (trustedOrigin !== undefined && parsed.origin === trustedOrigin) return { ok: true, url: parsed.href };
  if (parsed.protocol !== 'https:') return { ok: false, reason: `scheme ${parsed.protocol} is not https:` };
  if (!isTwilioMediaHost(parsed.hostname)) return { ok: false, reason: `host ${parsed.hostname} is not one of Twilio's media hosts` };
  return { ok: true, url: parsed.href };
}

/** A media URL an agent asks us to send; `url` is the normalised form to send and store. */
export function checkOutboundMediaUrl(url: string): MediaUrlVerdict {
  const parsed = parse(url);
  if (!parsed) return { ok: false, reason: 'is not a URL' };
  if (parsed.protocol !== 'https:') return { ok: false, reason: `must be https (not ${parsed.protocol})` };
  if (!parsed.hostname) return { ok: false, reason: 'has no host' };
  if (parsed.username || parsed.password) return { ok: false, reason: 'must not carry credentials' };
  return { ok: true, url: parsed.href };
}

/**
 * The stored media URLs of a message that may be shown: the same rules again, so a row stored
 * before they existed (or written by anything else) cannot hand an agent a bad link.
 */
export function servableMediaUrls(direction: 'inbound' | 'outbound', urls: readonly string[], policy: MediaUrlPolicy): string[] {
  const check = direction === 'inbound' ? (url: string) => checkInboundMediaUrl(url, policy) : checkOutboundMediaUrl;
  return urls.flatMap((url) => {
    const verdict = check(url);
    return verdict.ok ? [verdict.url] : [];
  });
}
