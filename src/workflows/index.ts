// The worker's workflow bundle entry point.
export { conversationWorkflow } from './conversation.ts';
