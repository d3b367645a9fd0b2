// What the customers text, and what the system must do about each text. Scripts are drawn from
// a seeded generator, so a failing run can be replayed with the same texts (FAULT_SEED); only
// the timing differs between runs, and the checks never depend on it.
import { randomBytes } from 'node:crypto';
import type { FaultOptions } from './options.ts';

/** The seeded keyword rules a text is written to match (see the seed migration). */
export type RuleName = 'Help' | 'Documents' | 'Status' | 'Confirmation';

export type TextKind =
  | { kind: 'rule'; rule: RuleName }
  /** No rule matches: the conversation is flagged for an agent instead of answered. */
  | { kind: 'plain' }
  /** Twilio's opt-out keyword: one confirmation, then nothing more to this number. */
  | { kind: 'stop' };

export interface CatalogueEntry {
  body: string;
  intent: TextKind;
}

const rule = (body: string, name: RuleName): CatalogueEntry => ({ body, intent: { kind: 'rule', rule: name } });
const plain = (body: string): CatalogueEntry => ({ body, intent: { kind: 'plain' } });
const stop = (body: string): CatalogueEntry => ({ body, intent: { kind: 'stop' } });

/**
 * Texts that match exactly one rule (the highest-priority one wins anyway), texts that match
 * none (no rule keyword as a whole word anywhere), and the opt-out keyword. The check verifies
 * this labelling against the rules in the database before trusting it.
 */
export const KEYWORD_TEXTS: CatalogueEntry[] = [
  rule('help', 'Help'),
  rule('Can I get some help please', 'Help'),
  rule('I need support with my account', 'Help'),
  rule('documents', 'Documents'),
  rule('Where do I upload the form?', 'Documents'),
  rule('Can you send me the documents', 'Documents'),
  rule('status', 'Status'),
  rule('Any progress on my case?', 'Status'),
  rule('What is the status of my application', 'Status'),
  rule('yes', 'Confirmation'),
  rule('ok', 'Confirmation'),
  rule('I confirm the appointment', 'Confirmation'),
];

export const PLAIN_TEXTS: CatalogueEntry[] = [
  plain('Hello there'),
  plain('Thanks a lot'),
  plain('What time do you close today'),
  plain('Can someone call me back'),
  plain('I have a question about my bill'),
  plain('Is anyone there'),
  plain('Never mind'),
];

export const STOP_TEXTS: CatalogueEntry[] = [stop('STOP'), stop('stop')];

/**
 * After STOP: anything but an opt-in keyword (START, YES, UNSTOP as the whole text), which would
 * legitimately opt the customer back in. A second STOP must get no second confirmation.
 */
export const AFTER_STOP_TEXTS: CatalogueEntry[] = [
  rule('status', 'Status'),
  rule('Can you send me the documents', 'Documents'),
  rule('help', 'Help'),
  rule('I confirm the appointment', 'Confirmation'),
  plain('Hello there'),
  plain('Is anyone there'),
  stop('STOP'),
];

export interface PlannedText {
  /** Position in the global schedule: delivered at load start + index / rate. */
  index: number;
  customer: string;
  /** Position in the customer's own script. */
  seq: number;
  body: string;
  intent: TextKind;
  messageSid: string;
  /** Delivered twice, concurrently, with the same MessageSid. */
  duplicate: boolean;
}

export interface CustomerScript {
  number: string;
  texts: PlannedText[];
  /** The customer texts STOP part-way. */
  optsOut: boolean;
}

/** mulberry32: small, fast, good enough to pick texts reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function customerNumber(index: number): string {
  return `+155501${String(index).padStart(5, '0')}`;
}

function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function planScripts(options: FaultOptions): { customers: CustomerScript[]; schedule: PlannedText[] } {
  const random = seededRandom(options.seed);
  const { texts, customers: count } = options;
  const lengths = Array.from({ length: count }, (_, index) => Math.floor(texts / count) + (index < texts % count ? 1 : 0));
  const optOutCount = Math.round(count * options.optOutShare);

  // Opt-outs are spread evenly over the customer list; each needs a text before STOP and one after.
  const optingOut = new Set(Array.from({ length: optOutCount }, (_, k) => Math.floor((k * count) / optOutCount)));

  const customers: CustomerScript[] = lengths.map((length, index) => {
    const optsOut = length >= 3 && optingOut.has(index);
    const stopAt = optsOut ? 1 + Math.floor(random() * (length - 2)) : -1;
    const entries: CatalogueEntry[] = [];
    for (let seq = 0; seq < length; seq++) {
      if (seq === stopAt) entries.push(pick(random, STOP_TEXTS));
      else if (optsOut && seq > stopAt) entries.push(pick(random, AFTER_STOP_TEXTS));
      else entries.push(random() < 0.6 ? pick(random, KEYWORD_TEXTS) : pick(random, PLAIN_TEXTS));
    }
    const number = customerNumber(index);
    return {
      number,
      optsOut,
      texts: entries.map((entry, seq) => ({
        index: -1,
        customer: number,
        seq,
        body: entry.body,
        intent: entry.intent,
        messageSid: newMessageSid(),
        duplicate: random() < options.duplicateShare,
      })),
    };
  });

  // Interleave the customers at random while keeping each one's own order.
  const slots = customers.flatMap((customer, index) => customer.texts.map(() => index));
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const next = customers.map(() => 0);
  const schedule = slots.map((customerIndex, index) => {
    const text = customers[customerIndex]!.texts[next[customerIndex]!++]!;
    text.index = index;
    return text;
  });
  return { customers, schedule };
}

// ---- what the system must do

export interface RuleRow {
  id: string;
  name: string;
  keywords: string[];
  response: string;
  priority: number;
  flagsAgent: boolean;
  optsOut: boolean;
  active: boolean;
}

/** One flag reason, named by what caused it (the exact wording is the product's business). */
export type FlagKind = 'no-match' | 'limit' | `rule:${string}` | `other:${string}`;

export function flagKindOf(reason: string): FlagKind {
  if (/no auto-response matched/i.test(reason)) return 'no-match';
  if (/limit/i.test(reason)) return 'limit';
  const ruleName = /"([^"]+)"/.exec(reason)?.[1];
  return ruleName ? `rule:${ruleName}` : `other:${reason}`;
}

export interface ExpectedOutcome {
  /** Replies that must have been sent, by rule name (the opt-out confirmation under its rule's name). */
  replies: Record<string, number>;
  /** Flag reasons in order, each recorded when it differs from the one before (as the workflow does). */
  flags: FlagKind[];
  optedOut: boolean;
  /**
   * The reason the conversation is left flagged with: the last flag, unless the customer opted
   * out — their conversation then closes itself once nothing is pending, which clears attention
   * (and texts after STOP raise none).
   */
  endsFlagged?: FlagKind;
}

/**
 * Walks a customer's stored texts in order, as the README's rules say the conversation handles
 * them: opt-out first; nothing at all once opted out; a matching text is auto-replied while the
 * rolling limit allows (all texts of a run fall inside one window), else flagged; a text no rule
 * matches flags the conversation.
 */
export function expectedOutcome(texts: readonly PlannedText[], rules: readonly RuleRow[], autoReplyLimit: number): ExpectedOutcome {
  const byName = new Map(rules.map((row) => [row.name, row]));
  const optOutRule = rules.find((row) => row.optsOut && row.active);
  const outcome: ExpectedOutcome = { replies: {}, flags: [], optedOut: false };
  let autoReplies = 0;
  let reason: FlagKind | undefined;
  const flag = (kind: FlagKind) => {
    if (kind === reason) return;
    reason = kind;
    outcome.flags.push(kind);
  };
  const reply = (name: string) => {
    outcome.replies[name] = (outcome.replies[name] ?? 0) + 1;
  };
  for (const text of texts) {
    const intent = text.intent;
    if (intent.kind === 'stop') {
      if (!outcome.optedOut) reply(optOutRule?.name ?? '(default opt-out confirmation)');
      outcome.optedOut = true;
      continue;
    }
    if (outcome.optedOut) continue;
    if (intent.kind === 'plain') {
      flag('no-match');
      continue;
    }
    if (autoReplies >= autoReplyLimit) {
      flag('limit');
      continue;
    }
    autoReplies++;
    reply(intent.rule);
    if (byName.get(intent.rule)?.flagsAgent) flag(`rule:${intent.rule}`);
  }
  outcome.endsFlagged = outcome.optedOut ? undefined : reason;
  return outcome;
}

/** Lower-cased words, as the product matches keywords (whole words and phrases). */
function words(text: string): string[] {
  return text.toLowerCase().replace(/\u2019/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu) ?? [];
}

function containsPhrase(text: string, phrase: string): boolean {
  const needle = words(phrase);
  const haystack = words(text);
  if (needle.length === 0) return false;
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((word, offset) => haystack[start + offset] === word)) return true;
  }
  return false;
}

/**
 * The catalogue's labels must agree with the rules actually in the database (someone may edit
 * the seed); otherwise the expectations above would be wrong and the test would lie.
 */
export function catalogueProblems(rules: readonly RuleRow[]): string[] {
  const active = [...rules].filter((row) => row.active).sort((a, b) => a.priority - b.priority);
  const problems: string[] = [];
  for (const entry of [...KEYWORD_TEXTS, ...PLAIN_TEXTS, ...AFTER_STOP_TEXTS]) {
    if (entry.intent.kind === 'stop') continue;
    const matched = active.find((row) => row.keywords.some((keyword) => containsPhrase(entry.body, keyword)));
    const expected = entry.intent.kind === 'rule' ? entry.intent.rule : undefined;
    if (matched?.name !== expected) {
      problems.push(`"${entry.body}" is labelled ${expected ?? 'no rule'} but the database's rules match ${matched?.name ?? 'none'}`);
    }
  }
  if (!active.some((row) => row.optsOut)) problems.push('no active opt-out rule in the database');
  return problems;
}
