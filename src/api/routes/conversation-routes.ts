// The agent workspace's conversation routes: the inbox, one conversation, its messages and
// audit trail, and every agent action. Each route lives in its own file under ./conversations.
import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { registerAddNote } from './conversations/add-note.ts';
import { registerAssignConversation } from './conversations/assign-conversation.ts';
import { registerConversationActions } from './conversations/conversation-actions.ts';
import { registerGetConversation } from './conversations/get-conversation.ts';
import { registerGetMedia } from './conversations/get-media.ts';
import { registerListConversations } from './conversations/list-conversations.ts';
import { registerListEvents } from './conversations/list-events.ts';
import { registerListMessages } from './conversations/list-messages.ts';
import { registerMarkRead } from './conversations/mark-read.ts';
import { registerScheduledMessages } from './conversations/scheduled-messages.ts';
import { registerSendMessage } from './conversations/send-message.ts';
import { registerStartConversation } from './conversations/start-conversation.ts';
import { registerThread } from './conversations/thread.ts';

export function registerConversationRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  registerListConversations(routes, deps);
  registerStartConversation(routes, deps);
  registerGetConversation(routes, deps);
  registerListMessages(routes, deps);
  registerSendMessage(routes, deps);
  registerScheduledMessages(routes, deps);
  registerAssignConversation(routes, deps);
  registerConversationActions(routes, deps);
  registerMarkRead(routes, deps);
  registerListEvents(routes, deps);
  registerAddNote(routes, deps);
  registerThread(routes, deps);
  registerGetMedia(routes, deps);
}
