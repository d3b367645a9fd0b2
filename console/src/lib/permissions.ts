// What the signed-in agent may do on a conversation, with the reason when not — the same
// ownership rules the workflow enforces (README, "Attention and ownership"), so the page
// disables a button and says why instead of answering an error after the click.
export interface Actor {
  id: string;
  role: 'agent' | 'admin';
}

export interface ConversationFacts {
  status: 'open' | 'closed';
  assignedAgent: { id: string; name: string } | null;
  needsAttention: boolean;
  optedOut: boolean;
}

export type Permission = { allowed: true } | { allowed: false; reason: string };

export interface Permissions {
  assignToMe: Permission;
  transfer: Permission;
  unassign: Permission;
  close: Permission;
  reopen: Permission;
  flag: Permission;
  unflag: Permission;
  reply: Permission;
  /** Edit or cancel a scheduled message: ownership only (it may wait on a closed conversation). */
  changeScheduled: Permission;
  note: Permission;
}

const yes: Permission = { allowed: true };
const no = (reason: string): Permission => ({ allowed: false, reason });

export function permissionsFor(me: Actor, c: ConversationFacts): Permissions {
  const owner = c.assignedAgent;
  const mine = owner?.id === me.id;
  const admin = me.role === 'admin';
  // Only the assigned agent or an admin may act on an assigned conversation.
  const ownerOnly = !owner || mine || admin ? yes : no(`${owner.name} has this conversation; only they or an admin can do this`);
  const closed = c.status === 'closed';
  const whenOpen = (permission: Permission): Permission => (closed ? no('The conversation is closed; reopen it first') : permission);

  return {
    assignToMe: closed
      ? no('The conversation is closed; reopen it first')
      : mine
        ? no('You already have this conversation')
        : owner && !admin
          ? no(`${owner.name} has this conversation; only an admin can transfer it`)
          : yes,
    transfer: admin ? whenOpen(yes) : no('Only admins can transfer conversations'),
    unassign: owner ? ownerOnly : no('Nobody has this conversation'),
    close: whenOpen(ownerOnly),
    reopen: closed ? yes : no('The conversation is open'),
    flag: yes,
    unflag: c.needsAttention ? ownerOnly : no('The conversation is not flagged'),
    reply: c.optedOut ? no('The customer has opted out; nothing can be sent to them') : whenOpen(ownerOnly),
    changeScheduled: ownerOnly,
    note: yes,
  };
}
