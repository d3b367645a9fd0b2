import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { allowingPadding, codePointLength, NOT_BLANK, textField } from './text-field.ts';
import { parseOrThrow } from './validation.ts';

/** The JSON Schema the OpenAPI document shows for a request body. */
function documented(body: z.ZodType): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerPath({ method: 'post', path: '/x', request: { body: { content: { 'application/json': { schema: body } } } }, responses: { 200: { description: 'ok' } } });
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: { title: 't', version: '1' } });
  return (document.paths!['/x']!.post!.requestBody as { content: Record<string, { schema: Record<string, unknown> }> }).content['application/json']!.schema;
}

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('textField', () => {
  const name = textField({ minLength: 1, maxLength: 5, pattern: NOT_BLANK, patternMessage: 'must not be blank' });

  it('counts characters as JSON Schema does: an emoji is one', () => {
    expect(codePointLength('😊😊')).toBe(2);
    expect(name.safeParse('😊😊😊😊😊').success).toBe(true);
    expect(name.safeParse('😊😊😊😊😊😊').success).toBe(false);
    expect(name.safeParse('').success).toBe(false);
  });

  it('checks the pattern on the text as sent, with the same set of blanks trim() removes', () => {
    for (const blank of [' ', '\t\n', '\u00a0', '\ufeff', '\u2028', '\u3000']) {
      expect(name.safeParse(blank).success, JSON.stringify(blank)).toBe(false);
      expect(blank.trim()).toBe('');
    }
    // Not whitespace to JavaScript (though Python's \s says otherwise): a character like any other.
    expect(name.safeParse('\u001c').success).toBe(true);
    expect('\u001c'.trim()).toBe('\u001c');
  });

  it('puts the same numbers and pattern in the document', () => {
    expect(documented(z.object({ name }))).toMatchObject({
      properties: { name: { type: 'string', minLength: 1, maxLength: 5, pattern: NOT_BLANK.source } },
    });
  });

  it('answers with its own code when it has one, and validation_failed when anything else is wrong too', () => {
    const body = z.object({ phone: textField({ pattern: /^\+\d+$/, refusal: 'invalid_phone_number' }), count: z.number() });
    const alone = refusal(() => parseOrThrow(body, { phone: 'x', count: 1 }, 'body'));
    expect(alone).toMatchObject({ status: 400, code: 'invalid_phone_number', details: { fields: [{ field: 'body.phone' }] } });
    const withOther = refusal(() => parseOrThrow(body, { phone: 'x' }, 'body'));
    expect(withOther.code).toBe('validation_failed');
    expect((withOther.details as { fields: { field: string }[] }).fields.map((entry) => entry.field).sort()).toEqual(['body.count', 'body.phone']);
  });
});

describe('allowingPadding', () => {
  it('lets trimmed whitespace surround the pattern and nothing else', () => {
    const padded = allowingPadding(/^ab$/);
    expect(['ab', ' ab', 'ab\n', '\u00a0ab\ufeff'].every((text) => padded.test(text))).toBe(true);
    expect(['a b', 'xab', 'abx', ''].some((text) => padded.test(text))).toBe(false);
  });
});
