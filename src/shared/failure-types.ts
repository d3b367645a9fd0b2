// `type` names of ApplicationFailures that cross the Temporal boundary. The workflow matches on
// them and the API maps them to HTTP status codes, so they are defined once, here.
export const FailureType = {
  /** The customer has opted out; nothing may be sent to them. */
  CustomerOptedOut: 'CustomerOptedOut',
  /** Twilio refused the message for good (a 4xx other than 429). */
  TwilioRejected: 'TwilioRejected',
  ConversationClosed: 'ConversationClosed',
  ConversationOpen: 'ConversationOpen',
  InvalidMessage: 'InvalidMessage',
  AlreadyAssigned: 'AlreadyAssigned',
  NotAssigned: 'NotAssigned',
  /** Another agent has the conversation: only they or an admin may reply, unassign, close or unflag. */
  NotAssignedToYou: 'NotAssignedToYou',
  /** No scheduled message of this conversation has that id (or it already left). */
  ScheduledMessageNotFound: 'ScheduledMessageNotFound',
  /** A schedule time in the past, or beyond the horizon. */
  InvalidSendTime: 'InvalidSendTime',
  /** PostgreSQL refused the data or statement for good (a data exception, a constraint): not retried. */
  StoreRejected: 'StoreRejected',
  /** PostgreSQL cannot be reached right now: retried, and the workflow waits for it. */
  DatabaseUnavailable: 'DatabaseUnavailable',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];
