// GET /api/conversations/:id/media/:index?message=<id>: a message's media, fetched through our
// Twilio credentials (see media/fetch-media.ts), so the console can use it as an <img src> with
// the session cookie. Served with nosniff and a sandboxing CSP: the bytes come from outside and
// must never run as a page of ours.
import { z } from 'zod';
import { checkInboundMediaUrl, servableMediaUrls } from '../../../sms/media-urls.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { HttpError } from '../../http-error.ts';
import { DEFAULT_MEDIA_LIMITS, fetchMedia } from '../../media/fetch-media.ts';
import { mediaUrlPolicy } from '../../media-url-policy.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { textField } from '../../routing/text-field.ts';
import { findConversationOr404 } from './conversation-detail.ts';

const MAX_INDEX = 99;

const mediaParams = z.object({
  id: z.uuid().meta({ description: 'The conversation id' }),
  // A decimal of at most two digits (text, as path parameters are), so the document and the check agree.
  index: textField({ pattern: /^\d{1,2}$/, patternMessage: `must be a whole number from 0 to ${MAX_INDEX}` })
    .transform(Number)
    .meta({ description: "Which of the message's mediaUrls, from 0" }),
});

const mediaQuery = z.object({ message: z.uuid().meta({ description: 'The message id' }) });

const SERVED_TYPES = ['image/*', 'audio/*', 'video/*', 'application/pdf'];

export function registerGetMedia(routes: ApiRoutes, deps: ApiDeps): void {
  const limits = { ...DEFAULT_MEDIA_LIMITS, ...deps.mediaLimits };

  routes.add({
    method: 'get',
    path: '/api/conversations/:id/media/:index',
    summary: "A message's media file, fetched from Twilio with the account's credentials",
    tag: 'Conversations',
    access: 'agent',
    params: mediaParams,
    query: mediaQuery,
    response: {
      status: 200,
      description: 'The file, with its content type (images, audio, video or PDF); Cache-Control: private, max-age=3600',
      contentType: SERVED_TYPES,
      schema: z.string().meta({ format: 'binary' }),
    },
    errors: {
      404: 'No conversation has this id (conversation_not_found), or the conversation has no such message or the message no media at this index, or the media is not hosted by Twilio (media_not_found)',
      415: 'The media is not an image, audio, video or PDF (unsupported_media)',
      502: `The media is larger than ${limits.maxBytes} bytes (media_too_large), or the media host failed, refused or redirected elsewhere than Twilio (media_unavailable)`,
      504: 'The media host did not answer in time (media_unavailable)',
    },
    async handle(ctx, { params, query }) {
      await findConversationOr404(deps, params.id);
      const message = await deps.db.message.findFirst({ where: { id: query.message, conversationId: params.id } });
      const policy = mediaUrlPolicy(deps);
      // The index counts the mediaUrls the message's JSON shows. Only Twilio-hosted media is
      // fetched, whichever way the message went: an agent's outbound media URL is public
      // already, and fetching it would let a URL point us anywhere.
      const url = message ? servableMediaUrls(message.direction, message.mediaUrls, policy)[params.index] : undefined;
      if (!message || url === undefined || !checkInboundMediaUrl(url, policy).ok) {
        throw new HttpError(404, 'media_not_found', `This conversation has no message ${query.message} with Twilio-hosted media ${params.index}`);
      }
      const media = await fetchMedia(url, deps.twilio.config, policy, limits);
      ctx.set('Cache-Control', 'private, max-age=3600');
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (media.contentType !== 'application/pdf') ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
      ctx.type = media.contentType;
      ctx.body = media.body;
      return undefined;
    },
  });
}
