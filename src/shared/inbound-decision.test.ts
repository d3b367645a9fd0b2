// What the conversation does with a customer's text, with the five rules the product ships
// (copied from prisma/migrations/20261125000100_seed_auto_response_rules/migration.sql).
import { describe, expect, it } from 'vitest';
import type { AutoResponseRuleSnapshot } from './conversation-types.ts';
import {
  decideInbound,
  DEFAULT_HELP_REPLY,
  DEFAULT_OPT_OUT_CONFIRMATION,
  OPT_IN_CONFIRMATION,
  type InboundContext,
} from './inbound-decision.ts';

const HELP_RULE: AutoResponseRuleSnapshot = {
  id: '7d3c2a3e-0c1f-4d59-9a44-000000000001',
  name: 'Help',
  keywords: ['help', 'support', 'assistance'],
  response:
    "Thanks for reaching out! We're here to help. An agent will follow up with you shortly. Reply STOP to unsubscribe.",
  priority: 1,
  flagsAgent: true,
  optsOut: false,
};
const DOCUMENTS_RULE: AutoResponseRuleSnapshot = {
  id: '7d3c2a3e-0c1f-4d59-9a44-000000000002',
  name: 'Documents',
  keywords: ['documents', 'upload', 'send'],
  response:
    "To send us documents, reply to this number with a photo or PDF attached (MMS), one document per message. We'll confirm once we have them.",
  priority: 2,
  flagsAgent: false,
  optsOut: false,
};
const STATUS_RULE: AutoResponseRuleSnapshot = {
  id: '7d3c2a3e-0c1f-4d59-9a44-000000000003',
  name: 'Status',
  keywords: ['status', 'progress', 'update'],
  response: "Thanks for checking in. We've asked an agent to look at your case and they will update you on its status shortly.",
  priority: 3,
  flagsAgent: true,
  optsOut: false,
};
const UNSUBSCRIBE_RULE: AutoResponseRuleSnapshot = {
  id: '7d3c2a3e-0c1f-4d59-9a44-000000000004',
  name: 'Unsubscribe',
  keywords: ['stop', 'unsubscribe', 'opt out'],
  response: 'You have been unsubscribed and will receive no further messages from us. Reply START to resubscribe.',
  priority: 4,
  flagsAgent: false,
  optsOut: true,
};
const CONFIRMATION_RULE: AutoResponseRuleSnapshot = {
  id: '7d3c2a3e-0c1f-4d59-9a44-000000000005',
  name: 'Confirmation',
  keywords: ['yes', 'ok', 'confirm'],
  response: 'Thank you, your confirmation has been received.',
  priority: 5,
  flagsAgent: false,
  optsOut: false,
};

const SEED_RULES: readonly AutoResponseRuleSnapshot[] = [
  HELP_RULE,
  DOCUMENTS_RULE,
  STATUS_RULE,
  UNSUBSCRIBE_RULE,
  CONFIRMATION_RULE,
];

function context(overrides: Partial<InboundContext>): InboundContext {
  return {
    body: '',
    optedOut: false,
    assigned: false,
    rules: SEED_RULES,
    autoReplyAllowed: true,
    limitDescription: '3 in 10 minutes',
    ...overrides,
  };
}

describe('decideInbound with the seed rules', () => {
  it('answers a help text with the Help rule and flags the conversation, naming the rule', () => {
    for (const body of ['HELP', 'I need some help please', 'support?']) {
      const decision = decideInbound(context({ body }));
      expect(decision, body).toEqual({
        kind: 'auto-reply',
        reply: { body: HELP_RULE.response, ruleId: HELP_RULE.id },
        flagReason: expect.stringContaining('Help'),
      });
    }
  });

  it('answers "status" with the Status rule and flags the conversation', () => {
    const decision = decideInbound(context({ body: 'Any update on my status?' }));
    expect(decision).toEqual({
      kind: 'auto-reply',
      reply: { body: STATUS_RULE.response, ruleId: STATUS_RULE.id },
      flagReason: expect.stringContaining('Status'),
    });
  });

  it('answers "documents" with the Documents rule without flagging', () => {
    const decision = decideInbound(context({ body: 'where do I send my documents' }));
    expect(decision).toEqual({ kind: 'auto-reply', reply: { body: DOCUMENTS_RULE.response, ruleId: DOCUMENTS_RULE.id } });
    expect(decision.kind === 'auto-reply' && decision.flagReason).toBeFalsy();
  });

  it('opts out on "please opt out", confirming with the Unsubscribe rule’s response', () => {
    expect(decideInbound(context({ body: 'please opt out' }))).toEqual({
      kind: 'opt-out',
      keyword: 'OPT OUT',
      confirmation: { body: UNSUBSCRIBE_RULE.response, ruleId: UNSUBSCRIBE_RULE.id },
    });
  });

  it('opts out on a single-word STOP (any Twilio opt-out keyword), with the rule’s confirmation', () => {
    for (const [body, keyword] of [['STOP', 'STOP'], [' stop. ', 'STOP'], ['Quit', 'QUIT'], ['stopall', 'STOPALL'], ['CANCEL', 'CANCEL']] as const) {
      expect(decideInbound(context({ body })), body).toEqual({
        kind: 'opt-out',
        keyword,
        confirmation: { body: UNSUBSCRIBE_RULE.response, ruleId: UNSUBSCRIBE_RULE.id },
      });
    }
  });

  it('falls back to the default opt-out confirmation when no active rule opts out', () => {
    const rules = SEED_RULES.filter((rule) => !rule.optsOut);
    expect(decideInbound(context({ body: 'STOP', rules }))).toEqual({
      kind: 'opt-out',
      keyword: 'STOP',
      confirmation: { body: DEFAULT_OPT_OUT_CONFIRMATION },
    });
  });

  it('does nothing on STOP when the customer is already opted out', () => {
    expect(decideInbound(context({ body: 'STOP', optedOut: true }))).toEqual({ kind: 'none' });
    expect(decideInbound(context({ body: 'unsubscribe', optedOut: true }))).toEqual({ kind: 'none' });
    expect(decideInbound(context({ body: 'please opt out', optedOut: true }))).toEqual({ kind: 'none' });
  });

  it('opts back in on START when opted out, with the opt-in confirmation', () => {
    for (const [body, keyword] of [['START', 'START'], ['yes', 'YES'], ['Unstop!', 'UNSTOP']] as const) {
      expect(decideInbound(context({ body, optedOut: true })), body).toEqual({
        kind: 'opt-in',
        keyword,
        confirmation: { body: OPT_IN_CONFIRMATION },
      });
    }
  });

  it('treats YES from a customer who is not opted out as an ordinary text: the Confirmation rule answers', () => {
    expect(decideInbound(context({ body: 'YES' }))).toEqual({
      kind: 'auto-reply',
      reply: { body: CONFIRMATION_RULE.response, ruleId: CONFIRMATION_RULE.id },
    });
  });

  it('treats START from a customer who is not opted out as an ordinary text (no rule: flag)', () => {
    expect(decideInbound(context({ body: 'START' }))).toEqual({ kind: 'flag', reason: expect.any(String) });
  });

  it('sends nothing to an opted-out customer for any other text', () => {
    for (const body of ['HELP', 'documents', 'what is my status', 'hello there', 'yes please', 'info']) {
      expect(decideInbound(context({ body, optedOut: true })), body).toEqual({ kind: 'none' });
    }
  });

  it('flags instead of auto-replying when the rate limit is used up, naming the limit', () => {
    for (const body of ['documents', 'status', 'HELP', 'ok']) {
      const decision = decideInbound(context({ body, autoReplyAllowed: false, limitDescription: '3 in 10 minutes' }));
      expect(decision.kind, body).toBe('flag');
      expect(decision.kind === 'flag' && decision.reason).toContain('3 in 10 minutes');
      expect(decision.kind === 'flag' && decision.reason.toLowerCase()).toContain('limit');
    }
  });

  it('still opts out when the rate limit is used up (the confirmation is not an auto-reply)', () => {
    expect(decideInbound(context({ body: 'STOP', autoReplyAllowed: false })).kind).toBe('opt-out');
    expect(decideInbound(context({ body: 'please opt out', autoReplyAllowed: false })).kind).toBe('opt-out');
    expect(decideInbound(context({ body: 'START', optedOut: true, autoReplyAllowed: false })).kind).toBe('opt-in');
  });

  it('keeps keyword bots quiet once an agent owns the conversation, but opt-out still works', () => {
    for (const body of ['documents', 'status', 'ok', 'something nobody has a rule for']) {
      expect(decideInbound(context({ body, assigned: true })), body).toEqual({ kind: 'for-agent' });
    }
    expect(decideInbound(context({ body: 'STOP', assigned: true }))).toEqual({
      kind: 'opt-out',
      keyword: 'STOP',
      confirmation: { body: UNSUBSCRIBE_RULE.response, ruleId: UNSUBSCRIBE_RULE.id },
    });
    expect(decideInbound(context({ body: 'please opt out', assigned: true }))).toEqual({
      kind: 'opt-out',
      keyword: 'OPT OUT',
      confirmation: { body: UNSUBSCRIBE_RULE.response, ruleId: UNSUBSCRIBE_RULE.id },
    });
    expect(decideInbound(context({ body: 'START', assigned: true, optedOut: true })).kind).toBe('opt-in');
  });

  it('flags for an agent when no rule matches', () => {
    const decision = decideInbound(context({ body: 'What time do you open tomorrow?' }));
    expect(decision.kind).toBe('flag');
    expect(decision.kind === 'flag' && decision.reason.length).toBeGreaterThan(0);
    expect(decideInbound(context({ body: 'anything', rules: [] })).kind).toBe('flag');
  });

  it('uses the default help reply when no active rule answers "help"', () => {
    const rules = SEED_RULES.filter((rule) => rule !== HELP_RULE);
    expect(decideInbound(context({ body: 'INFO', rules }))).toEqual({ kind: 'auto-reply', reply: { body: DEFAULT_HELP_REPLY } });
  });

  describe('when Twilio’s keyword handling already answered (answeredByTwilio)', () => {
    it('records the opt-out without a confirmation of its own', () => {
      expect(decideInbound(context({ body: 'STOP', answeredByTwilio: true }))).toEqual({ kind: 'opt-out', keyword: 'STOP' });
      expect(decideInbound(context({ body: 'STOP', answeredByTwilio: true, optedOut: true }))).toEqual({ kind: 'none' });
    });

    it('records the opt-in without a confirmation of its own', () => {
      expect(decideInbound(context({ body: 'START', optedOut: true, answeredByTwilio: true }))).toEqual({
        kind: 'opt-in',
        keyword: 'START',
      });
    });

    it('sends no help reply of its own', () => {
      expect(decideInbound(context({ body: 'HELP', answeredByTwilio: true }))).toEqual({ kind: 'none' });
      expect(decideInbound(context({ body: 'info', answeredByTwilio: true }))).toEqual({ kind: 'none' });
    });
  });
});
