// The only place a conversation's workflow id is built or read back. Ops search the Temporal UI
// by it, so it is readable: sms-conversation:<business number>:<customer number>.
const PREFIX = 'sms-conversation';

export function conversationWorkflowId(businessNumber: string, customerNumber: string): string {
  return `${PREFIX}:${businessNumber}:${customerNumber}`;
}

export function parseConversationWorkflowId(
  workflowId: string,
): { businessNumber: string; customerNumber: string } | undefined {
  const parts = workflowId.split(':');
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return undefined;
  return { businessNumber: parts[1], customerNumber: parts[2] };
}
