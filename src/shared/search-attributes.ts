// Custom search attributes every conversation workflow keeps up to date, so ops can filter in
// the Temporal UI ("ConversationStatus = 'open' AND NeedsAttention = true").
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA_BUSINESS_NUMBER = defineSearchAttributeKey('BusinessNumber', SearchAttributeType.KEYWORD);
export const SA_CUSTOMER_NUMBER = defineSearchAttributeKey('CustomerNumber', SearchAttributeType.KEYWORD);
export const SA_CONVERSATION_STATUS = defineSearchAttributeKey('ConversationStatus', SearchAttributeType.KEYWORD);
export const SA_ASSIGNED_AGENT = defineSearchAttributeKey('AssignedAgent', SearchAttributeType.KEYWORD);
export const SA_NEEDS_ATTENTION = defineSearchAttributeKey('NeedsAttention', SearchAttributeType.BOOL);
/** When a message of the conversation last failed to reach the customer (refused by Twilio, retries run out, undelivered). */
export const SA_LAST_DELIVERY_FAILURE = defineSearchAttributeKey('LastDeliveryFailure', SearchAttributeType.DATETIME);

/** Since when the customer has waited for a person's reply (unset: nobody waits). */
export const SA_WAITING_SINCE = defineSearchAttributeKey('WaitingSince', SearchAttributeType.DATETIME);
/** The current wait passed its response-time target. */
export const SA_SLA_BREACHED = defineSearchAttributeKey('SlaBreached', SearchAttributeType.BOOL);

export const CONVERSATION_SEARCH_ATTRIBUTES = [
  SA_BUSINESS_NUMBER,
  SA_CUSTOMER_NUMBER,
  SA_CONVERSATION_STATUS,
  SA_ASSIGNED_AGENT,
  SA_NEEDS_ATTENTION,
  SA_LAST_DELIVERY_FAILURE,
  SA_WAITING_SINCE,
  SA_SLA_BREACHED,
];
