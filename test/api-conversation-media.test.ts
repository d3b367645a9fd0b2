// GET /api/conversations/:id/media/:index against the real stack: media a customer sent is
// fetched from the Twilio emulator's Media resource (behind the account's Basic auth, as Twilio
// does) and passed to the agent with its type, private caching and nosniff; other types, oversized
// files, slow hosts, redirects off Twilio's hosts and non-Twilio URLs are refused.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/api/auth/passwords.ts';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createLogger } from '../src/infra/logger.ts';
import { clientFor, settled, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { signIn } from './support/console-session.ts';
import { freePort } from './support/free-port.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let stack: TestStack;
let alice: TestAgent;
let asAlice: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await createTestAgent(stack.db, 'agent', 'Alice Agent');
  asAlice = clientFor(stack, alice.token);
});

afterAll(async () => {
  await stack?.stop();
});

/** A customer sends an MMS with these media URLs; resolves with the conversation and stored message ids. */
async function mmsIn(mediaUrls: string[]): Promise<{ id: string; messageId: string; customer: string }> {
  const customer = newCustomerNumber();
  const answer = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'A picture for you', mediaUrls });
  expect(answer.status).toBe(200);
  await settled(stack, customer, 1);
  const message = await stack.db.message.findFirstOrThrow({ where: { fromNumber: customer, direction: 'inbound' } });
  expect(message.mediaUrls).toEqual(mediaUrls);
  return { id: message.conversationId, messageId: message.id, customer };
}

async function getMedia(baseUrl: string, path: string, headers: Record<string, string> = { Authorization: `Bearer ${alice.token}` }) {
  const response = await fetch(baseUrl + path, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(body.toString('utf8')) : undefined;
  return { status: response.status, headers: response.headers, body, json };
}

describe('GET /api/conversations/:id/media/:index', () => {
  it('passes a Twilio-hosted image through with its type, private caching and nosniff, to a token or a session cookie', async () => {
    const mediaUrl = stack.emulator.mediaUrl();
    // Twilio's media needs the account's credentials: a browser could not load it itself.
    expect((await fetch(mediaUrl)).status).toBe(401);
    const { id, messageId } = await mmsIn([stack.emulator.mediaUrl(), mediaUrl]);

    const answer = await getMedia(stack.baseUrl, `/api/conversations/${id}/media/1?message=${messageId}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('image/png');
    expect(answer.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain('sandbox');
    expect(answer.body.subarray(0, 8)).toEqual(PNG_SIGNATURE);

    // An <img src> in the console sends the session cookie (a GET: no CSRF header).
    const password = 'media test password';
    await stack.db.agent.update({ where: { id: alice.id }, data: { passwordHash: await hashPassword(password) } });
    const session = await signIn(stack.baseUrl, alice.email, password);
    const byCookie = await getMedia(stack.baseUrl, `/api/conversations/${id}/media/0?message=${messageId}`, { Cookie: `sms_session=${session.cookie}` });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('follows a redirect within Twilio’s media hosts, and refuses one elsewhere with 502 media_unavailable', async () => {
    const target = stack.emulator.addMedia({ contentType: 'audio/mpeg', body: Buffer.from('ID3 not really an mp3') });
    const redirecting = stack.emulator.addMedia({ contentType: 'image/png', body: Buffer.alloc(0), redirectTo: target });
    const offsite = stack.emulator.addMedia({ contentType: 'image/png', body: Buffer.alloc(0), redirectTo: 'https://example.com/stolen.png' });
    const { id, messageId } = await mmsIn([redirecting, offsite]);

    const followed = await getMedia(stack.baseUrl, `/api/conversations/${id}/media/0?message=${messageId}`);
    expect(followed.status).toBe(200);
    expect(followed.headers.get('content-type')).toBe('audio/mpeg');
    expect(followed.body.toString()).toBe('ID3 not really an mp3');

    const refused = await getMedia(stack.baseUrl, `/api/conversations/${id}/media/1?message=${messageId}`);
    expect(refused.status).toBe(502);
    expect(refused.json.error.code).toBe('media_unavailable');
  });

  it('refuses types other than image, audio, video and PDF with 415, and files over 5 MB with 502 media_too_large', async () => {
    const html = stack.emulator.addMedia({ contentType: 'text/html', body: Buffer.from('<script>alert(1)</script>') });
    const svg = stack.emulator.addMedia({ contentType: 'image/svg+xml', body: Buffer.from('<svg onload="alert(1)"/>') });
    const pdf = stack.emulator.addMedia({ contentType: 'application/pdf; name=form.pdf', body: Buffer.from('%PDF-1.4') });
    const huge = stack.emulator.addMedia({ contentType: 'video/mp4', body: Buffer.alloc(5 * 1024 * 1024 + 1) });
    const { id, messageId } = await mmsIn([html, svg, pdf, huge]);
    const path = (index: number) => `/api/conversations/${id}/media/${index}?message=${messageId}`;

    for (const index of [0, 1]) {
      const answer = await getMedia(stack.baseUrl, path(index));
      expect(answer.status).toBe(415);
      expect(answer.json.error.code).toBe('unsupported_media');
    }
    const document = await getMedia(stack.baseUrl, path(2));
    expect(document.status).toBe(200);
    expect(document.headers.get('content-type')).toBe('application/pdf');
    const tooLarge = await getMedia(stack.baseUrl, path(3));
    expect(tooLarge.status).toBe(502);
    expect(tooLarge.json.error.code).toBe('media_too_large');
  });

  it('answers 404 for an unknown conversation, message or index, a message of another conversation, and media not hosted by Twilio', async () => {
    const { id, messageId } = await mmsIn([stack.emulator.mediaUrl()]);
    const other = await mmsIn([stack.emulator.mediaUrl()]);
    const notFound = async (path: string, code: string) => {
      const answer = await getMedia(stack.baseUrl, path);
      expect({ path, status: answer.status, code: answer.json?.error.code }).toEqual({ path, status: 404, code });
    };
    await notFound(`/api/conversations/${UNKNOWN_ID}/media/0?message=${messageId}`, 'conversation_not_found');
    await notFound(`/api/conversations/${id}/media/0?message=${UNKNOWN_ID}`, 'media_not_found');
    await notFound(`/api/conversations/${id}/media/1?message=${messageId}`, 'media_not_found');
    await notFound(`/api/conversations/${id}/media/0?message=${other.messageId}`, 'media_not_found');

    // An agent's own attachment is a public URL on any host: never fetched through our credentials.
    const sent = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Here is the form', mediaUrls: ['https://example.com/form.pdf'] });
    expect(sent.status).toBe(201);
    await notFound(`/api/conversations/${id}/media/0?message=${sent.body.id}`, 'media_not_found');
  });

  it('answers 504 media_unavailable when the media host is slower than the limit', async () => {
    const port = await freePort();
    let api: RunningApi | undefined;
    try {
      api = await startApiServer({
        db: stack.db,
        databaseUrl: stack.databaseUrl,
        temporalClient: stack.client,
        taskQueue: stack.taskQueue,
        twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER, apiBaseUrl: stack.emulator.url },
        twilioEmulated: true,
        publicBaseUrl: `http://127.0.0.1:${port}`,
        mediaLimits: { timeoutMs: 200 },
        webhookBodyLimit: '64kb',
        host: '127.0.0.1',
        port,
        log: createLogger('silent'),
      });
      const slow = stack.emulator.addMedia({ contentType: 'image/png', body: randomBytes(16), delayMs: 1_500 });
      const { id, messageId } = await mmsIn([slow]);
      const answer = await getMedia(api.listenUrl, `/api/conversations/${id}/media/0?message=${messageId}`);
      expect(answer.status).toBe(504);
      expect(answer.json.error.code).toBe('media_unavailable');
    } finally {
      await api?.close();
    }
  });
});
