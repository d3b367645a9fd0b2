// Which media URLs are kept from Twilio's webhook, accepted from agents, and shown back.
import { describe, expect, it } from 'vitest';
import { checkInboundMediaUrl, checkOutboundMediaUrl, servableMediaUrls } from './media-urls.ts';

const TWILIO_MEDIA = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
const EMULATOR = { twilioApiBaseUrl: 'http://127.0.0.1:3100' };

describe('checkInboundMediaUrl', () => {
  it.each([
    ['Twilio’s Media resource', TWILIO_MEDIA, {}],
    ['Twilio’s CDN', 'https://s3-external-1.twiliocdn.com/AC1/abc', {}],
    ['a Twilio edge', 'https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', {}],
    ['the configured Twilio-compatible server, over http', 'http://127.0.0.1:3100/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', EMULATOR],
  ])('keeps %s', (_name, url, policy) => {
    expect(checkInboundMediaUrl(url, policy)).toEqual({ ok: true, url });
  });

  it.each([
    ['javascript:', 'javascript:alert(1)', {}],
    ['data:', 'data:text/html,<script>alert(1)</script>', {}],
    ['plain http on Twilio’s host', 'http://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', {}],
    ['another host', 'https://example.com/cat.png', {}],
    ['a host that only ends like Twilio’s', 'https://eviltwilio.com/a.png', {}],
    ['Twilio’s name as a subdomain of another host', 'https://api.twilio.com.example.net/a.png', {}],
    ['credentials', 'https://user:secret@api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1', {}],
    ['not a URL', 'MediaUrl0', {}],
    ['another port of the configured server', 'http://127.0.0.1:3101/a.png', EMULATOR],
    ['the emulator’s origin when no server is configured', 'http://127.0.0.1:3100/a.png', {}],
  ])('drops %s', (_name, url, policy) => {
    expect(checkInboundMediaUrl(url, policy)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});

describe('checkOutboundMediaUrl', () => {
  it.each(['https://example.com/form.pdf', 'https://cdn.example.co.uk/img/map.png?v=2'])('accepts %s', (url) => {
    expect(checkOutboundMediaUrl(url)).toEqual({ ok: true, url });
  });

  it.each([
    ['javascript:alert(1)', 'must be https (not javascript:)'],
    ['http://example.com/form.pdf', 'must be https (not http:)'],
    ['ftp://example.com/a.png', 'must be https (not ftp:)'],
    ['https://user:pw@example.com/a.png', 'must not carry credentials'],
    ['/relative/path.png', 'is not a URL'],
  ])('refuses %s', (url, reason) => {
    expect(checkOutboundMediaUrl(url)).toEqual({ ok: false, reason });
  });
});

describe('servableMediaUrls', () => {
  it('shows only what the rules of the message’s direction allow, whatever was stored', () => {
    expect(servableMediaUrls('inbound', [TWILIO_MEDIA, 'javascript:alert(1)', 'https://example.com/a.png'], {})).toEqual([TWILIO_MEDIA]);
    expect(servableMediaUrls('outbound', ['https://example.com/a.png', 'http://example.com/b.png', 'javascript:alert(1)'], {})).toEqual([
      'https://example.com/a.png',
    ]);
  });
});
