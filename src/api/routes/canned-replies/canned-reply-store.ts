// Canned replies in the database, with who may change which: a personal reply only its owner,
// a shared one only admins. Shortcuts are unique among the shared replies and among each agent's
// own (partial unique indexes); a clash answers 409 shortcut_taken.
import type { CannedReply } from '../../../generated/prisma/client.ts';
import type { Database } from '../../../infra/database.ts';
import type { AuthenticatedAgent } from '../../auth/authenticate.ts';
import { HttpError } from '../../http-error.ts';
import { isUniqueViolation } from '../rules/prisma-unique-violation.ts';
import type { CreateCannedReplyInput, UpdateCannedReplyInput } from './canned-reply-schemas.ts';

type Caller = Pick<AuthenticatedAgent, 'id' | 'role'>;

export function toCannedReplyJson(reply: CannedReply) {
  return {
    id: reply.id,
    shortcut: reply.shortcut,
    title: reply.title,
    body: reply.body,
    shared: reply.shared,
    ownerAgentId: reply.ownerAgentId,
    createdAt: reply.createdAt.toISOString(),
    updatedAt: reply.updatedAt.toISOString(),
  };
}

function shortcutTaken(shortcut: string, shared: boolean): HttpError {
  const among = shared ? 'a shared canned reply' : 'one of your canned replies';
  return new HttpError(409, 'shortcut_taken', `The shortcut ${shortcut} is already used by ${among}`, { shortcut });
}

function forbidden(reply: CannedReply): HttpError {
  return new HttpError(
    403,
    'forbidden',
    reply.shared ? 'Only an admin may change a shared canned reply' : 'Only its owner may change a personal canned reply',
  );
}

async function shortcutInUse(db: Database, shortcut: string, ownerAgentId: string | null, exceptId?: string): Promise<boolean> {
  const clash = await db.cannedReply.findFirst({
    where: { shortcut, shared: ownerAgentId === null, ownerAgentId, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  return clash !== null;
}

/** The shared replies and the caller's own, by shortcut (then shared before personal). */
export async function listCannedReplies(db: Database, caller: Caller) {
  const rows = await db.cannedReply.findMany({
    where: { OR: [{ shared: true }, { ownerAgentId: caller.id }] },
    orderBy: [{ shortcut: 'asc' }, { shared: 'desc' }, { id: 'asc' }],
  });
  return rows.map(toCannedReplyJson);
}

export async function createCannedReply(db: Database, caller: Caller, input: CreateCannedReplyInput) {
  if (input.shared && caller.role !== 'admin') throw new HttpError(403, 'forbidden', 'Only an admin may add a shared canned reply');
  const ownerAgentId = input.shared ? null : caller.id;
  if (await shortcutInUse(db, input.shortcut, ownerAgentId)) throw shortcutTaken(input.shortcut, input.shared);
  try {
    const reply = await db.cannedReply.create({
      data: { shortcut: input.shortcut, title: input.title, body: input.body, shared: input.shared, ownerAgentId },
    });
    return toCannedReplyJson(reply);
  } catch (error) {
    if (isUniqueViolation(error)) throw shortcutTaken(input.shortcut, input.shared);
    throw error;
  }
}

/** The reply, if the caller may change it: 404 not_found when none has the id, 403 forbidden when not theirs to change. */
async function changeableReply(db: Database, caller: Caller, id: string): Promise<CannedReply> {
  const reply = await db.cannedReply.findUnique({ where: { id } });
  if (!reply) throw new HttpError(404, 'not_found', `No canned reply has id ${id}`);
  const mayChange = reply.shared ? caller.role === 'admin' : reply.ownerAgentId === caller.id;
  if (!mayChange) throw forbidden(reply);
  return reply;
}

export async function updateCannedReply(db: Database, caller: Caller, id: string, input: UpdateCannedReplyInput) {
  const reply = await changeableReply(db, caller, id);
  if (input.shortcut !== undefined && input.shortcut !== reply.shortcut && (await shortcutInUse(db, input.shortcut, reply.ownerAgentId, id))) {
    throw shortcutTaken(input.shortcut, reply.shared);
  }
  try {
    const updated = await db.cannedReply.update({
      where: { id },
      data: {
        ...(input.shortcut !== undefined ? { shortcut: input.shortcut } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
      },
    });
    return toCannedReplyJson(updated);
  } catch (error) {
    if (isUniqueViolation(error)) throw shortcutTaken(input.shortcut ?? reply.shortcut, reply.shared);
    if ((error as { code?: unknown }).code === 'P2025') throw new HttpError(404, 'not_found', `No canned reply has id ${id}`);
    throw error;
  }
}

export async function deleteCannedReply(db: Database, caller: Caller, id: string): Promise<void> {
  await changeableReply(db, caller, id);
  // deleteMany: a concurrent delete of the same reply is not an error (it is gone either way).
  await db.cannedReply.deleteMany({ where: { id } });
}
