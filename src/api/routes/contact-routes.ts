// Contacts (customers, one per phone number): agents read them and give them a name and notes.
// A change is announced as a contact.updated live event so other agents' pages refresh it.
import type { Contact } from '../../generated/prisma/client.ts';
import { publishLiveEvent } from '../../store/live-event-publisher.ts';
import type { ApiDeps } from '../api-deps.ts';
import { HttpError } from '../http-error.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { contactIdParams, contactSchema, updateContactBody } from './contacts/contact-schemas.ts';

const TAG = 'Contacts';
const NOT_FOUND = 'No contact has this id (contact_not_found)';

function contactNotFound(id: string): HttpError {
  return new HttpError(404, 'contact_not_found', `No contact has id ${id}`);
}

export function toContactViewJson(contact: Contact) {
  return {
    id: contact.id,
    phoneNumber: contact.phoneNumber,
    name: contact.name,
    notes: contact.notes,
    optedOut: contact.optedOut,
    optedOutAt: contact.optedOutAt?.toISOString() ?? null,
    createdAt: contact.createdAt.toISOString(),
  };
}

export function registerContactRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/contacts/:id',
    summary: 'A contact: phone number, name, notes and opt-out state',
    tag: TAG,
    access: 'agent',
    params: contactIdParams,
    response: { status: 200, description: 'The contact', schema: contactSchema },
    errors: { 404: NOT_FOUND },
    async handle(_ctx, { params }) {
      const contact = await db.contact.findUnique({ where: { id: params.id } });
      if (!contact) throw contactNotFound(params.id);
      return toContactViewJson(contact);
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/contacts/:id',
    summary: "Set or clear a contact's name and notes",
    tag: TAG,
    access: 'agent',
    params: contactIdParams,
    body: updateContactBody,
    response: { status: 200, description: 'The contact as changed; a contact.updated live event tells the other agents', schema: contactSchema },
    errors: { 404: NOT_FOUND },
    async handle(_ctx, { params, body, agent }) {
      // Only the agent-owned fields: the opt-out state belongs to the workflow and the webhooks.
      return db.$transaction(async (tx) => {
        const updated = await tx.contact.updateMany({
          where: { id: params.id },
          data: {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.notes !== undefined ? { notes: body.notes } : {}),
          },
        });
        if (updated.count === 0) throw contactNotFound(params.id);
        await publishLiveEvent(tx, { type: 'contact.updated', data: { contactId: params.id, agentId: agent.id } });
        return toContactViewJson(await tx.contact.findUniqueOrThrow({ where: { id: params.id } }));
      });
    },
  });
}
