// The JSON body parser of the agent routes. A key named __proto__ anywhere in a body is dropped
// rather than refused: no schema declares one, so it is one more unknown key, and the document
// says unknown keys are ignored. @koa/bodyparser's parser (co-body, through @hapi/bourne) refuses
// such a body outright to guard against prototype poisoning and offers no other choice; parsing
// the same text again with a reviver that drops the key keeps that guard (the key never reaches
// an object the code reads).
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';

interface ParseError extends Error {
  /** The raw text, attached by co-body. */
  body?: unknown;
}

/** @hapi/bourne's refusal of a `__proto__` key. */
function isPrototypePoisoning(error: ParseError): boolean {
  return /forbidden prototype property/.test(error.message) && typeof error.body === 'string';
}

const withoutPrototypeKeys = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

export function jsonBodyParser(options: { limit: string }): Middleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: options.limit,
    encoding: 'utf-8',
    onError(error: ParseError, ctx: Context) {
      if (!isPrototypePoisoning(error)) throw error;
      ctx.request.body = JSON.parse(error.body as string, withoutPrototypeKeys);
    },
  });
}
