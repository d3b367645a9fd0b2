// First middleware of the app: turns every thrown error into `{ error: { code, message } }`
// with the right status, and never leaks internals (or secrets) in a 500.
import type { Middleware } from 'koa';
import type { Logger } from '../infra/logger.ts';
import { HttpError } from './http-error.ts';

interface BodyParserError {
  status?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

function fromBodyParser(error: BodyParserError): HttpError | undefined {
  if (error.type === 'entity.too.large' || error.status === 413) {
    return new HttpError(413, 'payload_too_large', 'The request body is larger than this endpoint accepts');
  }
  if (error.status === 415 || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    return new HttpError(415, 'unsupported_media_type', error.message ?? 'Unsupported request encoding');
  }
  if (error.status === 400) return new HttpError(400, 'malformed_body', 'The request body could not be parsed');
  return undefined;
}

export function errorMiddleware(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
      if (ctx.status === 405 && !ctx.body) {
        throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`);
      }
    } catch (error) {
      const known = error instanceof HttpError ? error : fromBodyParser(error as BodyParserError);
      if (known) {
        ctx.status = known.status;
        ctx.body = { error: { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}) } };
        if (known.status >= 500) log.error({ err: error, path: ctx.path }, known.message);
        return;
      }
      log.error({ err: error, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_error', message: 'Something went wrong on our side' } };
    }
  };
}
