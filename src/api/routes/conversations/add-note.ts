// POST /api/conversations/:id/notes: an internal note. Only the database and the live stream see
// it (no Temporal, no Twilio); any agent may add one, whoever holds the conversation.
import type { ConversationNote } from '../../../generated/prisma/client.ts';
import { publishLiveEvent } from '../../../store/live-event-publisher.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { findConversationOr404 } from './conversation-detail.ts';
import { addNoteBody, noteSchema } from './note-schemas.ts';
import { conversationIdParams } from './schemas.ts';

export function toNoteJson(note: ConversationNote & { agent: { name: string } }) {
  return {
    id: note.id,
    conversationId: note.conversationId,
    agentId: note.agentId,
    agentName: note.agent.name,
    body: note.body,
    createdAt: note.createdAt.toISOString(),
  };
}

export function registerAddNote(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/api/conversations/:id/notes',
    summary: 'Add an internal note (never sent to the customer)',
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    body: addNoteBody,
    response: { status: 201, description: 'The note; a conversation.note_added live event tells the other agents', schema: noteSchema },
    errors: { 404: 'No conversation has this id (conversation_not_found)' },
    async handle(_ctx, { params, body, agent }) {
      await findConversationOr404(deps, params.id);
      // The note and its live event commit together, so the stream never announces a note that is not there.
      const note = await deps.db.$transaction(async (tx) => {
        const created = await tx.conversationNote.create({
          data: { conversationId: params.id, agentId: agent.id, body: body.body },
          include: { agent: { select: { name: true } } },
        });
        await publishLiveEvent(tx, {
          type: 'conversation.note_added',
          conversationId: params.id,
          data: { noteId: created.id, agentId: agent.id, agentName: created.agent.name },
        });
        return created;
      });
      return toNoteJson(note);
    },
  });
}
