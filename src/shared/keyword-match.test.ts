// Keyword matching for auto-response rules: whole words and phrases, any case, punctuation
// ignored, and the highest-priority rule wins whatever order the rules come in.
import { describe, expect, it } from 'vitest';
import type { AutoResponseRuleSnapshot } from './conversation-types.ts';
import { containsKeyword, matchingKeyword, matchRule } from './keyword-match.ts';

function rule(overrides: Partial<AutoResponseRuleSnapshot> & Pick<AutoResponseRuleSnapshot, 'id' | 'keywords' | 'priority'>): AutoResponseRuleSnapshot {
  return { name: overrides.id, response: `response of ${overrides.id}`, flagsAgent: false, optsOut: false, ...overrides };
}

describe('containsKeyword', () => {
  it('matches a single word in any case', () => {
    expect(containsKeyword('yes', 'yes')).toBe(true);
    expect(containsKeyword('YES', 'yes')).toBe(true);
    expect(containsKeyword('Oh yes please', 'YES')).toBe(true);
  });

  it('matches whole words only', () => {
    expect(containsKeyword('yesterday', 'yes')).toBe(false);
    expect(containsKeyword('I said it yesterday', 'yes')).toBe(false);
    expect(containsKeyword('eyes', 'yes')).toBe(false);
    expect(containsKeyword('helpful', 'help')).toBe(false);
    expect(containsKeyword('uploaded', 'upload')).toBe(false);
  });

  it('matches a phrase as consecutive whole words, whatever the spacing and case', () => {
    expect(containsKeyword('please opt out', 'opt out')).toBe(true);
    expect(containsKeyword('Please OPT   out!', 'opt out')).toBe(true);
    expect(containsKeyword('opt\tout', 'opt out')).toBe(true);
    expect(containsKeyword('opt\nout', 'opt out')).toBe(true);
    expect(containsKeyword('I want to opt-out now', 'opt out')).toBe(true);
  });

  it('does not match a phrase glued together, split apart or extended', () => {
    expect(containsKeyword('optout', 'opt out')).toBe(false);
    expect(containsKeyword('opt outside', 'opt out')).toBe(false);
    expect(containsKeyword('adopt out', 'opt out')).toBe(false);
    expect(containsKeyword('opt to go out', 'opt out')).toBe(false);
    expect(containsKeyword('out opt', 'opt out')).toBe(false);
    expect(containsKeyword('opt', 'opt out')).toBe(false);
  });

  it('ignores punctuation around words', () => {
    expect(containsKeyword('help!', 'help')).toBe(true);
    expect(containsKeyword('...HELP?', 'help')).toBe(true);
    expect(containsKeyword('(status)', 'status')).toBe(true);
    expect(containsKeyword('status,please', 'status')).toBe(true);
    expect(containsKeyword('"documents"', 'documents')).toBe(true);
    expect(containsKeyword('ok.', 'ok')).toBe(true);
    expect(containsKeyword('¿ayuda?', 'ayuda')).toBe(true);
  });

  it('keeps apostrophes inside words', () => {
    expect(containsKeyword("what's my status", 'status')).toBe(true);
    expect(containsKeyword("I don't know", "don't")).toBe(true);
    expect(containsKeyword("I DON'T know", "don't")).toBe(true);
    // "don't" is one word: it neither contains "don" nor "t".
    expect(containsKeyword("I don't know", 'don')).toBe(false);
    expect(containsKeyword("I dont know", "don't")).toBe(false);
  });

  it('treats single quotes around a word as punctuation', () => {
    expect(containsKeyword("Reply 'stop' to unsubscribe", 'stop')).toBe(true);
    expect(containsKeyword("'help'", 'help')).toBe(true);
  });

  it('treats a typographic apostrophe (as phones send it) like a straight one', () => {
    expect(containsKeyword('I can’t log in', "can't")).toBe(true);
  });

  it('matches non-ASCII letters as letters', () => {
    expect(containsKeyword('Necesito AYUDA, por favor', 'ayuda')).toBe(true);
    expect(containsKeyword('ÜBER uns', 'über')).toBe(true);
    expect(containsKeyword('Café ouvert', 'café')).toBe(true);
    expect(containsKeyword('cafe ouvert', 'café')).toBe(false);
    expect(containsKeyword('caféine', 'café')).toBe(false);
    expect(containsKeyword('Нужна ПОМОЩЬ!', 'помощь')).toBe(true);
    expect(containsKeyword('помощью', 'помощь')).toBe(false);
  });

  it('never matches an empty or punctuation-only keyword', () => {
    expect(containsKeyword('anything at all', '')).toBe(false);
    expect(containsKeyword('anything at all', '   ')).toBe(false);
    expect(containsKeyword('?!', '?!')).toBe(false);
  });

  it('does not match in an empty text', () => {
    expect(containsKeyword('', 'help')).toBe(false);
    expect(containsKeyword('  !! ', 'help')).toBe(false);
  });
});

describe('matchRule', () => {
  const help = rule({ id: 'help', keywords: ['help', 'support'], priority: 1 });
  const docs = rule({ id: 'docs', keywords: ['documents', 'send'], priority: 2 });
  const unsubscribe = rule({ id: 'unsubscribe', keywords: ['stop', 'opt out'], priority: 4, optsOut: true });
  const confirm = rule({ id: 'confirm', keywords: ['yes', 'ok'], priority: 5 });

  it('returns the one rule whose keyword is in the text', () => {
    expect(matchRule('can I send my documents?', [help, docs, unsubscribe, confirm])?.id).toBe('docs');
    expect(matchRule('please opt out', [help, docs, unsubscribe, confirm])?.id).toBe('unsubscribe');
  });

  it('returns undefined when no keyword matches', () => {
    expect(matchRule('what time do you open', [help, docs, unsubscribe, confirm])).toBeUndefined();
    expect(matchRule('yesterday', [confirm])).toBeUndefined();
    expect(matchRule('help', [])).toBeUndefined();
  });

  it('picks the lowest priority number among matches, whatever the array order', () => {
    const text = 'ok, I need help with the documents';
    const orders = [
      [help, docs, unsubscribe, confirm],
      [confirm, unsubscribe, docs, help],
      [docs, confirm, help, unsubscribe],
    ];
    for (const rules of orders) expect(matchRule(text, rules)?.id).toBe('help');
    expect(matchRule('ok send them', [confirm, docs])?.id).toBe('docs');
    expect(matchRule('ok send them', [docs, confirm])?.id).toBe('docs');
  });

  it('does not reorder the caller’s array', () => {
    const rules = [confirm, docs, help];
    matchRule('help ok', rules);
    expect(rules.map((r) => r.id)).toEqual(['confirm', 'docs', 'help']);
  });

  it('considers every rule it is given, flags included (filtering inactive rules is the caller’s job)', () => {
    // The snapshot has no `active` field: whatever the caller passes is matched.
    const flagged = rule({ id: 'flagged', keywords: ['status'], priority: 3, flagsAgent: true });
    expect(matchRule('status?', [flagged])?.id).toBe('flagged');
    expect(matchRule('status?', [help, docs])).toBeUndefined();
  });
});

describe('matchingKeyword', () => {
  const unsubscribe = rule({ id: 'unsubscribe', keywords: ['stop', 'unsubscribe', 'opt out'], priority: 4 });

  it('returns the keyword as written in the rule, not as typed', () => {
    expect(matchingKeyword('Please OPT   out!', unsubscribe)).toBe('opt out');
    expect(matchingKeyword('UNSUBSCRIBE me', unsubscribe)).toBe('unsubscribe');
  });

  it('returns the first of the rule’s keywords found, in the rule’s order', () => {
    expect(matchingKeyword('opt out, unsubscribe, stop!', unsubscribe)).toBe('stop');
  });

  it('returns undefined when none of its keywords is in the text', () => {
    expect(matchingKeyword('stopped', unsubscribe)).toBeUndefined();
    expect(matchingKeyword('optout', unsubscribe)).toBeUndefined();
  });
});
