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

export const CONVERSATION_SEARCH_ATTRIBUTES = [
  SA_BUSINESS_NUMBER,
  SA_CUSTOMER_NUMBER,
  SA_CONVERSATION_STATUS,
  SA_ASSIGNED_AGENT,
  SA_NEEDS_ATTENTION,
  SA_LAST_DELIVERY_FAILURE,
];
