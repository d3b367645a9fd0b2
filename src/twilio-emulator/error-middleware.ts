// Turns every failure into the JSON body Twilio answers with, so twilio-node (and people reading
// logs) see the same shape from the emulator as from the real API.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { httpMirrorError, TwilioApiError } from './twilio-api-error.ts';

export function twilioErrorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const apiError = toApiError(error);
      // An error the emulator was asked to inject is behaviour, not a fault; anything else is.
      if (apiError.httpStatus >= 500) {
        if (error === apiError) logger.info({ httpStatus: apiError.httpStatus, path: ctx.path }, 'emulator answered with an error');
        else logger.error({ err: error, path: ctx.path }, 'emulator request failed');
      }
      ctx.status = apiError.httpStatus;
      ctx.body = apiError.toJSON();
    }
  };
}

function toApiError(error: unknown): TwilioApiError {
  if (error instanceof TwilioApiError) return error;
  const candidate = error as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  const status = typeof candidate.status === 'number' ? candidate.status : 500;
  if (status === 413 || candidate.type === 'entity.too.large') {
    return httpMirrorError(413, 'Request body is larger than the 64 KB the emulator accepts.');
  }
  // co-body marks bodies it could not parse with 400 and keeps the offending text in `body`.
  if (status === 400 && typeof error === 'object' && error !== null && 'body' in error) {
    return httpMirrorError(400, 'The request body could not be parsed.');
  }
  if (status >= 400 && status < 500) {
    const message = candidate.expose && typeof candidate.message === 'string' ? candidate.message : 'Bad Request';
    return httpMirrorError(status, message);
  }
  return httpMirrorError(status, status === 501 ? 'Not Implemented' : 'Internal Server Error');
}
