// What must hold once the system has settled, read from the database and from what the Twilio
// emulator actually sent. A reply is not linked to the text it answers in the stored data (an
// outbound row carries its conversation and its rule, not the inbound SID), so "answered
// exactly once" is checked per conversation: the replies sent, counted by rule, must equal what
// the customer's stored texts call for in order, and the flag reasons recorded must be the ones
// those texts call for, in order. A text dropped by the workflow shows up as a missing reply or
// a missing flag; a text answered twice as an extra reply. (A dropped plain text that would only
// have repeated the flag already set leaves no trace in stored data; nothing can see it.)
import type pg from 'pg';
import type { EmulatedMessage } from '../../../src/twilio-emulator/index.ts';
import { AUTO_REPLY_LIMIT, BUSINESS_NUMBER } from './fault-stack.ts';
import { FINAL_STATUSES } from './final-statuses.ts';
import type { TextDelivery } from './load.ts';
import {
  catalogueProblems,
  expectedOutcome,
  flagKindOf,
  type CustomerScript,
  type FlagKind,
  type RuleRow,
} from './scripts.ts';

export interface CheckFigures {
  storedInbound: number;
  storedAcknowledged: number;
  /** Stored although no delivery was answered 200 (the answer was lost): allowed. */
  storedUnacknowledged: number;
  acknowledgedNotStored: number;
  repliesExpected: number;
  /** Outbound rows accepted by Twilio (they have a SID). */
  repliesSent: number;
  /**
   * Replies decided before the customer's STOP but still waiting to be sent when it was
   * processed: refused by the send-time opt-out check, as the rules say. They count as answered.
   */
  repliesWithheld: number;
  emulatorSends: number;
  /** Replies the stored texts call for that were never sent: stored but not answered. */
  repliesMissing: number;
  /**
   * Replies sent beyond what the texts call for: a text answered twice, or a later text answered
   * within the auto-reply limit because an earlier one was dropped and never counted.
   */
  repliesExtra: number;
  /** Conversations whose recorded flag reasons differ from what their texts call for. */
  flagMismatches: number;
  flagsExpected: number;
  flagsRecorded: number;
  /** Outbound rows Twilio never accepted (failed, refused, still pending). */
  outboundNotSent: number;
  outboundNotFinal: number;
  optedOutCustomers: number;
  sentAfterOptOut: number;
  /** The same body sent to the same number more often than the texts call for. */
  duplicateSends: number;
  /** "flagged" audit rows repeating the reason right before them (a re-executed write). */
  duplicateFlagEvents: number;
  /** "opted_out" audit rows beyond one per opted-out conversation. */
  duplicateOptOutEvents: number;
  parkedJobs: number;
}

export interface CheckReport {
  violations: string[];
  figures: CheckFigures;
}

interface InboundRow {
  twilio_sid: string;
  from_number: string;
  body: string;
}

interface OutboundRow {
  id: string;
  to_number: string;
  body: string;
  status: string;
  twilio_sid: string | null;
  auto_response_rule_id: string | null;
  author: string;
  error_code: number | null;
  error_message: string | null;
  created_at: Date;
}

interface EventRow {
  customer_number: string;
  type: string;
  data: { reason?: string } | null;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function describeCounts(counts: Record<string, number> | Map<string, number>): string {
  const entries = counts instanceof Map ? [...counts] : Object.entries(counts);
  return `{${entries.filter(([, n]) => n > 0).map(([name, n]) => `${name}: ${n}`).join(', ')}}`;
}

export async function loadRules(db: pg.Client): Promise<RuleRow[]> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    keywords: string[];
    response: string;
    priority: number;
    flags_agent: boolean;
    opts_out: boolean;
    active: boolean;
  }>('SELECT id, name, keywords, response, priority, flags_agent, opts_out, active FROM auto_response_rules');
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    keywords: row.keywords,
    response: row.response,
    priority: row.priority,
    flagsAgent: row.flags_agent,
    optsOut: row.opts_out,
    active: row.active,
  }));
}

export async function checkOutcome(input: {
  db: pg.Client;
  customers: readonly CustomerScript[];
  deliveries: ReadonlyMap<string, TextDelivery>;
  sent: readonly EmulatedMessage[];
}): Promise<CheckReport> {
  const { db, customers, deliveries, sent } = input;
  const violations: string[] = [];
  const figures: CheckFigures = {
    storedInbound: 0,
    storedAcknowledged: 0,
    storedUnacknowledged: 0,
    acknowledgedNotStored: 0,
    repliesExpected: 0,
    repliesSent: 0,
    repliesWithheld: 0,
    emulatorSends: sent.length,
    repliesMissing: 0,
    repliesExtra: 0,
    flagMismatches: 0,
    flagsExpected: 0,
    flagsRecorded: 0,
    outboundNotSent: 0,
    outboundNotFinal: 0,
    optedOutCustomers: 0,
    sentAfterOptOut: 0,
    duplicateSends: 0,
    duplicateFlagEvents: 0,
    duplicateOptOutEvents: 0,
    parkedJobs: 0,
  };

  const rules = await loadRules(db);
  const problems = catalogueProblems(rules);
  if (problems.length > 0) {
    // The expectations would be wrong: say so instead of reporting nonsense.
    return { violations: problems.map((problem) => `test setup: ${problem}`), figures };
  }
  const ruleById = new Map(rules.map((row) => [row.id, row]));
  const responseOf = new Map(rules.map((row) => [row.name, row.response]));
  const optOutRule = rules.find((row) => row.optsOut && row.active)!;

  const inbound = (await db.query<InboundRow>("SELECT twilio_sid, from_number, body FROM messages WHERE direction = 'inbound'")).rows;
  const outbound = (
    await db.query<OutboundRow>(
      `SELECT id, to_number, body, status, twilio_sid, auto_response_rule_id, author::text AS author, error_code, error_message, created_at
         FROM messages WHERE direction = 'outbound' ORDER BY created_at, id`,
    )
  ).rows;
  const conversations = (
    await db.query<{ customer_number: string; needs_attention: boolean; attention_reason: string | null }>(
      'SELECT customer_number, needs_attention, attention_reason FROM conversations WHERE business_number = $1',
      [BUSINESS_NUMBER],
    )
  ).rows;
  const events = (
    await db.query<EventRow>(
      `SELECT c.customer_number, e.type, e.data FROM conversation_events e JOIN conversations c ON c.id = e.conversation_id
        ORDER BY e.created_at, e.id`,
    )
  ).rows;
  const contacts = (
    await db.query<{ phone_number: string; opted_out: boolean; opted_out_at: Date | null; opt_out_keyword: string | null }>(
      'SELECT phone_number, opted_out, opted_out_at, opt_out_keyword FROM contacts',
    )
  ).rows;
  const parked = await parkedJobs(db);
  figures.parkedJobs = parked.length;
  for (const job of parked) violations.push(`parked instead of handled: ${job.kind} ${job.message_sid ?? ''} — ${job.reason}`);

  // ---- every acknowledged text stored exactly once
  figures.storedInbound = inbound.length;
  const storedBySid = new Map<string, InboundRow[]>();
  for (const row of inbound) storedBySid.set(row.twilio_sid, [...(storedBySid.get(row.twilio_sid) ?? []), row]);
  const planned = new Set(customers.flatMap((customer) => customer.texts.map((text) => text.messageSid)));
  for (const sid of storedBySid.keys()) if (!planned.has(sid)) violations.push(`stored an inbound message nobody sent: ${sid}`);

  for (const customer of customers) {
    for (const text of customer.texts) {
      const rows = storedBySid.get(text.messageSid) ?? [];
      const acknowledged = deliveries.get(text.messageSid)?.acknowledged ?? false;
      if (rows.length > 1) violations.push(`${text.messageSid} (${customer.number} #${text.seq}) stored ${rows.length} times`);
      if (rows.length === 1) {
        if (acknowledged) figures.storedAcknowledged++;
        else figures.storedUnacknowledged++;
        const [row] = rows;
        if (row!.from_number !== customer.number || row!.body !== text.body) {
          violations.push(`${text.messageSid} stored as "${row!.body}" from ${row!.from_number}, sent as "${text.body}" from ${customer.number}`);
        }
      } else if (acknowledged) {
        figures.acknowledgedNotStored++;
        violations.push(`acknowledged but never stored: ${text.messageSid} (${customer.number} #${text.seq} "${text.body}")`);
      }
    }
  }

  // ---- answered exactly once, as the rules say, per conversation
  const outboundTo = new Map<string, OutboundRow[]>();
  for (const row of outbound) outboundTo.set(row.to_number, [...(outboundTo.get(row.to_number) ?? []), row]);
  const sentTo = new Map<string, EmulatedMessage[]>();
  for (const message of sent) sentTo.set(message.to, [...(sentTo.get(message.to) ?? []), message]);
  const conversationOf = new Map(conversations.map((row) => [row.customer_number, row]));
  const contactOf = new Map(contacts.map((row) => [row.phone_number, row]));

  for (const customer of customers) {
    const storedTexts = customer.texts.filter((text) => storedBySid.has(text.messageSid));
    const expected = expectedOutcome(storedTexts, rules, AUTO_REPLY_LIMIT);
    const script = () => storedTexts.map((text) => `#${text.seq} "${text.body}"`).join(', ');
    const rows = outboundTo.get(customer.number) ?? [];
    const contact = contactOf.get(customer.number);
    const optedOutAt = contact?.opted_out ? contact.opted_out_at : null;
    // Recorded before the opt-out, refused at send time because of it: nothing may be sent from
    // the moment of opt-out, so whether such a reply went out depends only on timing.
    const withheld = (row: OutboundRow) =>
      row.twilio_sid === null && row.status === 'refused' && expected.optedOut && optedOutAt !== null && row.created_at <= optedOutAt;

    const accepted = rows.filter((row) => row.twilio_sid !== null);
    const answered = rows.filter((row) => row.twilio_sid !== null || withheld(row));
    figures.repliesWithheld += answered.length - accepted.length;
    const actualReplies = countBy(answered, (row) => {
      const rule = row.auto_response_rule_id ? ruleById.get(row.auto_response_rule_id) : undefined;
      return rule?.name ?? `(${row.author}, no rule)`;
    });
    const names = new Set([...Object.keys(expected.replies), ...actualReplies.keys()]);
    let missing = 0;
    let extra = 0;
    for (const name of names) {
      const want = expected.replies[name] ?? 0;
      const got = actualReplies.get(name) ?? 0;
      missing += Math.max(0, want - got);
      extra += Math.max(0, got - want);
    }
    figures.repliesExpected += Object.values(expected.replies).reduce((sum, n) => sum + n, 0);
    figures.repliesSent += accepted.length;
    figures.repliesMissing += missing;
    figures.repliesExtra += extra;
    if (missing > 0 || extra > 0) {
      violations.push(
        `${customer.number}: replies by rule should be ${describeCounts(expected.replies)} but were ${describeCounts(actualReplies)}` +
          `${missing > 0 ? ` — ${missing} stored text(s) not answered` : ''}${extra > 0 ? ` — ${extra} extra reply(ies)` : ''}; texts: ${script()}`,
      );
    }

    for (const row of rows) {
      if (!FINAL_STATUSES.has(row.status)) {
        figures.outboundNotFinal++;
        violations.push(`${customer.number}: outbound ${row.id} ("${row.body.slice(0, 30)}…") stuck at status ${row.status}`);
      }
      if (row.twilio_sid === null && !withheld(row)) {
        figures.outboundNotSent++;
        violations.push(`${customer.number}: outbound ${row.id} never accepted by Twilio (status ${row.status}, ${row.error_code ?? ''} ${row.error_message ?? ''})`);
      }
    }

    // Flags: reasons recorded in order, against the reasons the texts call for.
    const flagged = events.filter((event) => event.customer_number === customer.number && event.type === 'flagged');
    const recorded: FlagKind[] = [];
    for (const event of flagged) {
      const kind = flagKindOf(event.data?.reason ?? '');
      if (recorded[recorded.length - 1] === kind) figures.duplicateFlagEvents++;
      else recorded.push(kind);
    }
    figures.flagsExpected += expected.flags.length;
    figures.flagsRecorded += recorded.length;
    const conversation = conversationOf.get(customer.number);
    const finalKind = conversation?.needs_attention && conversation.attention_reason ? flagKindOf(conversation.attention_reason) : undefined;
    const expectedFinal = expected.endsFlagged;
    if (recorded.join(' > ') !== expected.flags.join(' > ') || finalKind !== expectedFinal) {
      figures.flagMismatches++;
      violations.push(
        `${customer.number}: flags should be [${expected.flags.join(' > ')}] ending flagged as ${expectedFinal ?? 'nothing'}, ` +
          `recorded [${recorded.join(' > ')}] ending ${finalKind ?? 'not flagged'}; texts: ${script()}`,
      );
    }
    if (storedTexts.length > 0 && !conversation) violations.push(`${customer.number}: texts stored but no conversation row`);

    // Opt-out: recorded, confirmed once, and nothing else sent from then on.
    const optOutEvents = events.filter((event) => event.customer_number === customer.number && event.type === 'opted_out').length;
    if (expected.optedOut) {
      figures.optedOutCustomers++;
      figures.duplicateOptOutEvents += Math.max(0, optOutEvents - 1);
      if (!contact?.opted_out || !contact.opted_out_at) {
        violations.push(`${customer.number}: texted STOP but is not recorded as opted out`);
      } else {
        const after = (sentTo.get(customer.number) ?? []).filter(
          (message) => new Date(message.dateCreated) > contact.opted_out_at! && message.body !== optOutRule.response,
        );
        figures.sentAfterOptOut += after.length;
        for (const message of after) {
          violations.push(`${customer.number}: "${message.body.slice(0, 40)}…" sent at ${message.dateCreated}, after the opt-out at ${contact.opted_out_at.toISOString()}`);
        }
      }
    } else if (contact?.opted_out) {
      violations.push(`${customer.number}: recorded as opted out (${contact.opt_out_keyword ?? ''}) without texting STOP`);
    }

    // What the customer's phone got: each body as often as the texts call for, no more.
    const expectedBodies = new Map<string, number>();
    for (const [name, count] of Object.entries(expected.replies)) {
      const body = responseOf.get(name) ?? name;
      expectedBodies.set(body, (expectedBodies.get(body) ?? 0) + count);
    }
    for (const [body, count] of countBy(sentTo.get(customer.number) ?? [], (message) => message.body)) {
      const over = count - (expectedBodies.get(body) ?? 0);
      if (over > 0) {
        figures.duplicateSends += over;
        violations.push(`${customer.number}: Twilio sent "${body.slice(0, 40)}…" ${count} times, ${over} more than the texts call for`);
      }
    }
  }

  // ---- the emulator's record and the database agree, and everything is at a final status
  const recordedSids = new Set(outbound.map((row) => row.twilio_sid).filter((sid): sid is string => sid !== null));
  const sentSids = new Set(sent.map((message) => message.sid));
  for (const message of sent) {
    if (!recordedSids.has(message.sid)) violations.push(`sent through Twilio but not recorded: ${message.sid} to ${message.to} "${message.body.slice(0, 40)}…"`);
    if (!FINAL_STATUSES.has(message.status)) violations.push(`Twilio still delivering ${message.sid} (${message.status})`);
  }
  for (const sid of recordedSids) if (!sentSids.has(sid)) violations.push(`recorded as sent with a SID Twilio never issued: ${sid}`);
  const customerNumbers = new Set(customers.map((customer) => customer.number));
  for (const message of sent) if (!customerNumbers.has(message.to)) violations.push(`sent to a number nobody texted from: ${message.to}`);

  return { violations, figures };
}

async function parkedJobs(db: pg.Client): Promise<{ kind: string; message_sid: string | null; reason: string }[]> {
  const { rows } = await db.query<{ exists: boolean }>("SELECT to_regclass('public.parked_jobs') IS NOT NULL AS exists");
  if (!rows[0]?.exists) return [];
  return (await db.query<{ kind: string; message_sid: string | null; reason: string }>('SELECT kind, message_sid, reason FROM parked_jobs')).rows;
}
