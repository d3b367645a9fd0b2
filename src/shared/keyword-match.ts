// Keyword matching for auto-response rules: case-insensitive, on whole words or whole phrases,
// so "yes" does not match "yesterday" and "opt out" matches "please opt out".
import type { AutoResponseRuleSnapshot } from './conversation-types.ts';

/**
 * Lower-cased words of a text: runs of letters and digits, joined by an apostrophe inside a
 * word (can't). Phones often send the typographic apostrophe (U+2019), so it counts as one;
 * quotes around a word ('stop') do not belong to it.
 */
function words(text: string): string[] {
  return text.toLowerCase().replace(/\u2019/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? [];
}

export function containsKeyword(text: string, keyword: string): boolean {
  const needle = words(keyword);
  if (needle.length === 0) return false;
  const haystack = words(text);
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((word, offset) => haystack[start + offset] === word)) return true;
  }
  return false;
}

/** The highest-priority rule (lowest number) with a keyword in the text. */
export function matchRule(
  text: string,
  rules: readonly AutoResponseRuleSnapshot[],
): AutoResponseRuleSnapshot | undefined {
  return [...rules]
    .sort((a, b) => a.priority - b.priority)
    .find((rule) => rule.keywords.some((keyword) => containsKeyword(text, keyword)));
}

/** The first of the rule's keywords found in the text, as written in the rule. */
export function matchingKeyword(text: string, rule: AutoResponseRuleSnapshot): string | undefined {
  return rule.keywords.find((keyword) => containsKeyword(text, keyword));
}
