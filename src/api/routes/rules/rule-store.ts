// Reads and writes auto-response rules. The conversation workflow's recordInbound activity
// reads the active rules for every inbound message, so a change here applies to running
// conversations from their next message, with no restart and no cache to invalidate.
import type { AutoResponseRule } from '../../../generated/prisma/client.ts';
import type { Database } from '../../../infra/database.ts';
import { HttpError } from '../../http-error.ts';
import { isUniqueViolation } from './prisma-unique-violation.ts';
import type { CreateRuleInput, RuleView, UpdateRuleInput } from './rule-schemas.ts';

export function toRuleView(rule: AutoResponseRule): RuleView {
  return {
    id: rule.id,
    name: rule.name,
    keywords: rule.keywords,
    response: rule.response,
    priority: rule.priority,
    flagsAgent: rule.flagsAgent,
    optsOut: rule.optsOut,
    active: rule.active,
    trigger: rule.trigger === 'after_hours' ? 'after_hours' : 'keyword',
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

function ruleNotFound(id: string): HttpError {
  return new HttpError(404, 'rule_not_found', `No auto-response rule has id ${id}`);
}

/** Priorities are unique so "the highest-priority match wins" always names one rule. */
async function priorityTaken(db: Database, priority: number): Promise<HttpError> {
  const holder = await db.autoResponseRule.findUnique({ where: { priority }, select: { id: true, name: true } });
  return new HttpError(
    409,
    'priority_taken',
    holder ? `Priority ${priority} is already held by rule "${holder.name}"` : `Priority ${priority} is already taken`,
    { priority, ruleId: holder?.id ?? null, ruleName: holder?.name ?? null },
  );
}

async function assertPriorityFree(db: Database, priority: number, ruleId?: string): Promise<void> {
  const holder = await db.autoResponseRule.findUnique({ where: { priority }, select: { id: true } });
  if (holder && holder.id !== ruleId) throw await priorityTaken(db, priority);
}

export async function listRules(db: Database, filter: { active?: boolean }): Promise<RuleView[]> {
  const rules = await db.autoResponseRule.findMany({
    where: filter.active === undefined ? {} : { active: filter.active },
    orderBy: { priority: 'asc' },
  });
  return rules.map(toRuleView);
}

/** Keyword rules answer their keywords; after-hours rules answer the clock and take none. */
export function keywordsDoNotFit(trigger: 'keyword' | 'after_hours'): HttpError {
  return trigger === 'keyword'
    ? new HttpError(422, 'keywords_do_not_fit_trigger', 'A keyword rule needs at least one keyword', { trigger })
    : new HttpError(422, 'keywords_do_not_fit_trigger', 'An after-hours rule answers texts outside business hours and has no keywords', { trigger });
}

export async function createRule(db: Database, input: CreateRuleInput): Promise<RuleView> {
  if ((input.trigger === 'keyword') !== (input.keywords !== undefined)) throw keywordsDoNotFit(input.trigger);
  await assertPriorityFree(db, input.priority);
  try {
    return toRuleView(await db.autoResponseRule.create({ data: { ...input, keywords: input.keywords ?? [] } }));
  } catch (error) {
    // Another request took the priority between the check and the insert.
    if (isUniqueViolation(error)) throw await priorityTaken(db, input.priority);
    throw error;
  }
}

export async function updateRule(db: Database, id: string, input: UpdateRuleInput): Promise<RuleView> {
  const existing = await db.autoResponseRule.findUnique({ where: { id }, select: { id: true, trigger: true } });
  if (!existing) throw ruleNotFound(id);
  if (existing.trigger === 'after_hours' && input.keywords !== undefined) throw keywordsDoNotFit('after_hours');
  if (input.priority !== undefined) await assertPriorityFree(db, input.priority, id);
  try {
    return toRuleView(await db.autoResponseRule.update({ where: { id }, data: input }));
  } catch (error) {
    if (isUniqueViolation(error) && input.priority !== undefined) throw await priorityTaken(db, input.priority);
    if ((error as { code?: unknown }).code === 'P2025') throw ruleNotFound(id);
    throw error;
  }
}

export async function deleteRule(db: Database, id: string): Promise<void> {
  // Messages keep their history: their link to the rule is set to null by the foreign key.
  const deleted = await db.autoResponseRule.deleteMany({ where: { id } });
  if (deleted.count === 0) throw ruleNotFound(id);
}
