// What the minimal pipeline's webhook server hands its workflow. Plain names and shapes, no
// imports, so the workflow bundle and the Node side share them without pulling either's deps in.
export const MINIMAL_WORKFLOW_TYPE = 'minimalConversation';
export const MINIMAL_TEXT_SIGNAL = 'minimalText';
export const MINIMAL_STATUS_SIGNAL = 'minimalStatus';

export interface MinimalText {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

export interface MinimalStatus {
  messageSid: string;
  status: string;
}

/** One workflow per (business number, customer number), like the product, in a namespace of ids of its own. */
export function minimalWorkflowId(businessNumber: string, customerNumber: string): string {
  return `bench-minimal:${businessNumber}:${customerNumber}`;
}
