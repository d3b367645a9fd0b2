// What the conversation does with a customer's text: opt out, opt back in, auto-reply, or flag
// it for an agent. Pure, so the workflow stays deterministic and the rules are easy to test.
import { matchingKeyword, matchRule } from './keyword-match.ts';
import { classifyComplianceKeyword } from './opt-out-keywords.ts';
import type { AutoResponseRuleSnapshot } from './conversation-types.ts';

export const DEFAULT_OPT_OUT_CONFIRMATION =
  'You have been unsubscribed and will receive no further messages from us. Reply START to resubscribe.';
export const OPT_IN_CONFIRMATION =
  'You have been resubscribed and will receive messages from us again. Reply STOP to unsubscribe.';
export const DEFAULT_HELP_REPLY =
  'Reply with your question and an agent will get back to you. Reply STOP to unsubscribe.';

export interface PlannedReply {
  body: string;
  ruleId?: string;
}

/** `confirmation` is absent when Twilio's own keyword handling already answered the customer. */
export type InboundDecision =
  | { kind: 'opt-out'; keyword: string; confirmation?: PlannedReply }
  | { kind: 'opt-in'; keyword: string; confirmation?: PlannedReply }
  | { kind: 'auto-reply'; reply: PlannedReply; flagReason?: string }
  | { kind: 'flag'; reason: string }
  /** The conversation has an agent: no bot answers, the agent does. */
  | { kind: 'for-agent' }
  | { kind: 'none' };

export interface InboundContext {
  body: string;
  optedOut: boolean;
  assigned: boolean;
  /** Active rules only. */
  rules: readonly AutoResponseRuleSnapshot[];
  /** False when the rolling-window limit is used up. */
  autoReplyAllowed: boolean;
  /** Human wording of the limit, for the flag reason ("3 in 10 minutes"). */
  limitDescription: string;
  /**
   * Twilio's keyword handling acted on this text and sent its own reply (the webhook's
   * OptOutType): the state change is ours to record, but a second reply would be a duplicate
   * (and, after STOP, refused by Twilio with 21610).
   */
  answeredByTwilio?: boolean;
}

export function decideInbound(context: InboundContext): InboundDecision {
  const { body, optedOut, rules } = context;
  const compliance = classifyComplianceKeyword(body);

  if (compliance?.kind === 'opt-out') {
    // A second STOP gets no second confirmation.
    if (optedOut) return { kind: 'none' };
    const decision = optOut(compliance.keyword, rules.find((rule) => rule.optsOut));
    return context.answeredByTwilio ? { kind: 'opt-out', keyword: compliance.keyword } : decision;
  }
  if (compliance?.kind === 'opt-in' && optedOut) {
    return context.answeredByTwilio
      ? { kind: 'opt-in', keyword: compliance.keyword }
      : { kind: 'opt-in', keyword: compliance.keyword, confirmation: { body: OPT_IN_CONFIRMATION } };
  }
  // Nothing at all may be sent to an opted-out customer; their text is stored and that is all.
  if (optedOut) return { kind: 'none' };

  if (compliance?.kind === 'help') {
    if (context.answeredByTwilio) return { kind: 'none' };
    const helpRule = matchRule('help', rules);
    const reply = helpRule ? { body: helpRule.response, ruleId: helpRule.id } : { body: DEFAULT_HELP_REPLY };
    return autoReply(context, reply, helpRule?.flagsAgent ? flaggedByRule(helpRule) : undefined);
  }

  const rule = matchRule(body, rules);
  if (rule?.optsOut) return optOut((matchingKeyword(body, rule) ?? rule.name).toUpperCase(), rule);
  // Once an agent owns the conversation, keyword bots stay quiet: the agent answers.
  if (context.assigned) return { kind: 'for-agent' };
  if (!rule) return { kind: 'flag', reason: 'No auto-response matched; needs an agent' };
  return autoReply(context, { body: rule.response, ruleId: rule.id }, rule.flagsAgent ? flaggedByRule(rule) : undefined);
}

function optOut(keyword: string, rule: AutoResponseRuleSnapshot | undefined): InboundDecision {
  const confirmation = rule ? { body: rule.response, ruleId: rule.id } : { body: DEFAULT_OPT_OUT_CONFIRMATION };
  return { kind: 'opt-out', keyword, confirmation };
}

function autoReply(context: InboundContext, reply: PlannedReply, flagReason?: string): InboundDecision {
  if (!context.autoReplyAllowed) {
    return { kind: 'flag', reason: `Auto-reply limit reached (${context.limitDescription}); needs an agent` };
  }
  return { kind: 'auto-reply', reply, flagReason };
}

function flaggedByRule(rule: AutoResponseRuleSnapshot): string {
  return `Auto-response rule "${rule.name}" asks for an agent`;
}
