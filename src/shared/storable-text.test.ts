import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText, normalizeStorableText } from './storable-text.ts';

const R = '\uFFFD';

describe('normalizeStorableText', () => {
  it.each([
    ['plain text', 'hello', 'hello', false],
    ['the empty string', '', '', false],
    ['a valid surrogate pair (emoji)', 'ok 😊 👍🏽', 'ok 😊 👍🏽', false],
    ['U+FFFD itself', `a${R}b`, `a${R}b`, false],
    ['other control characters PostgreSQL stores', 'a\u0001\tb\n', 'a\u0001\tb\n', false],
    ['a NUL', 'hi\u0000', `hi${R}`, true],
    ['only NULs', '\u0000\u0000', `${R}${R}`, true],
    ['a NUL inside', 'a\u0000b', `a${R}b`, true],
    ['a lone high surrogate at the end', 'x\ud800', `x${R}`, true],
    ['a lone high surrogate before text', '\ud83dabc', `${R}abc`, true],
    ['a lone low surrogate', 'a\udc00b', `a${R}b`, true],
    ['two high surrogates then a low one', '\ud800\ud83d\ude0a', `${R}😊`, true],
    ['a pair then a lone low surrogate', '😊\ude0a', `😊${R}`, true],
    ['reversed pair', '\ude0a\ud83d', `${R}${R}`, true],
    ['NUL next to an emoji', '😊\u0000😊', `😊${R}😊`, true],
  ])('%s', (_label, input, text, changed) => {
    expect(normalizeStorableText(input)).toEqual({ text, changed });
    expect(isStorableText(input)).toBe(!changed);
    expect(isStorableText(normalizeStorableText(input).text)).toBe(true);
  });
});

describe('findUnstorableText', () => {
  it.each<[string, unknown, string | undefined]>([
    ['a clean object', { body: 'hi 😊', keywords: ['a', 'b'], n: 1, ok: true, none: null }, undefined],
    ['a clean string', 'hi', undefined],
    ['numbers, booleans, null, undefined', [1, false, null, undefined], undefined],
    ['a bad string at the root', 'hi\u0000', ''],
    ['a top-level field', { body: 'hi\u0000' }, 'body'],
    ['an array element', { keywords: ['ok', 'fine', 'x\u0000'] }, 'keywords[2]'],
    ['a lone surrogate deep down', { a: [{ b: { c: ['\ud800'] } }] }, 'a[0].b.c[0]'],
    ['a key', { 'k\u0000': 'v' }, `["k${R}"]`],
    ['a nested key', { meta: { '\udc00': 1 } }, `meta["${R}"]`],
    ['a key that is not an identifier', { 'a b': 'x\u0000' }, '["a b"]'],
    ['the first in document order', { a: 'ok', b: ['\u0000'], c: '\u0000' }, 'b[0]'],
    ['a key before its own value', { 'k\u0000': '\u0000' }, `["k${R}"]`],
    ['a value before a later key', { a: '\u0000', 'b\u0000': 1 }, 'a'],
    ['a root array', ['ok', '\u0000'], '[1]'],
  ])('%s', (_label, value, path) => {
    expect(findUnstorableText(value)).toBe(path);
  });

  it('prefixes the path with a root', () => {
    expect(findUnstorableText({ keywords: ['a', '\u0000'] }, 'body')).toBe('body.keywords[1]');
    expect(findUnstorableText('x\u0000', 'query.customerNumber')).toBe('query.customerNumber');
    expect(findUnstorableText({ customerNumber: ['+1', '\u0000'] }, 'query')).toBe('query.customerNumber[1]');
  });

  it('walks very deep nesting without overflowing the stack', () => {
    let value: unknown = '\u0000';
    for (let depth = 0; depth < 200_000; depth++) value = [value];
    expect(findUnstorableText(value)).toBe('[0]'.repeat(200_000));
  });
});
