// The console's ownership rules (console/src/lib/permissions.ts) against the README's table:
// the page disables what the workflow would refuse, and lets through what it would allow.
import { describe, expect, it } from 'vitest';
import { permissionsFor, type Actor, type ConversationFacts } from '../console/src/lib/permissions.ts';

const ada: Actor = { id: 'ada', role: 'agent' };
const grace: Actor = { id: 'grace', role: 'agent' };
const admin: Actor = { id: 'boss', role: 'admin' };
const open: ConversationFacts = { status: 'open', assignedAgent: null, needsAttention: true, optedOut: false };
const adas: ConversationFacts = { ...open, assignedAgent: { id: 'ada', name: 'Ada Lovelace' } };

const allowed = (facts: ConversationFacts, actor = ada) =>
  Object.entries(permissionsFor(actor, facts))
    .filter(([, permission]) => permission.allowed)
    .map(([name]) => name)
    .sort();

describe('what the console lets an agent do', () => {
  it('an unassigned open conversation is open to every agent, but only admins transfer', () => {
    expect(allowed(open)).toEqual(['assignToMe', 'changeScheduled', 'close', 'flag', 'note', 'reply', 'unflag']);
    expect(permissionsFor(ada, open).transfer).toEqual({ allowed: false, reason: 'Only admins can transfer conversations' });
  });

  it('the owner does everything but take it again', () => {
    expect(allowed(adas)).toEqual(['changeScheduled', 'close', 'flag', 'note', 'reply', 'unassign', 'unflag']);
  });

  it("another agent may only flag and note, and is told who holds it", () => {
    expect(allowed(adas, grace)).toEqual(['flag', 'note']);
    expect(permissionsFor(grace, adas).reply).toEqual({ allowed: false, reason: 'Ada Lovelace has this conversation; only they or an admin can do this' });
    expect(permissionsFor(grace, adas).assignToMe).toEqual({ allowed: false, reason: 'Ada Lovelace has this conversation; only an admin can transfer it' });
  });

  it('an admin may act on anyone’s conversation and take it over', () => {
    expect(allowed(adas, admin)).toEqual(['assignToMe', 'changeScheduled', 'close', 'flag', 'note', 'reply', 'transfer', 'unassign', 'unflag']);
  });

  it('a closed conversation can only be reopened (and flagged, noted, its scheduled messages changed)', () => {
    // A scheduled message still leaves after a close, so it may still be edited or cancelled.
    expect(allowed({ ...open, status: 'closed', needsAttention: false })).toEqual(['changeScheduled', 'flag', 'note', 'reopen']);
    expect(permissionsFor(ada, { ...open, status: 'closed' }).reply).toEqual({ allowed: false, reason: 'The conversation is closed; reopen it first' });
  });

  it('nothing can be sent to an opted-out customer, whoever asks', () => {
    for (const actor of [ada, admin]) {
      expect(permissionsFor(actor, { ...adas, optedOut: true }).reply).toEqual({ allowed: false, reason: 'The customer has opted out; nothing can be sent to them' });
    }
  });
});
