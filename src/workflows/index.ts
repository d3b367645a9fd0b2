// The worker's workflow bundle entry point.
export { conversationWorkflow } from './conversation.ts';
export { reconcileDeliveriesWorkflow } from './reconcile-deliveries.ts';
