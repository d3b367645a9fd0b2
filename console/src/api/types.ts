// Shapes the page works with, taken from the generated OpenAPI types (never written by hand).
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type ConversationList = Json<paths['/api/conversations']['get']['responses'][200]>;
export type ConversationSummary = ConversationList['conversations'][number];
export type ConversationDetail = Json<paths['/api/conversations/{id}']['get']['responses'][200]>;
export type Session = Json<paths['/api/session']['get']['responses'][200]>;
export type SessionAgent = Session['agent'];
export type Thread = Json<paths['/api/conversations/{id}/thread']['get']['responses'][200]>;
export type ThreadItem = Thread['items'][number];
export type CannedReply = Json<paths['/api/canned-replies']['get']['responses'][200]>['cannedReplies'][number];
export type AgentList = Json<paths['/api/agents']['get']['responses'][200]>;
export type ListQuery = NonNullable<paths['/api/conversations']['get']['parameters']['query']>;
