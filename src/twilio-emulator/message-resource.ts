// Renders stored messages as the Message resource and list page the real API returns
// (snake_case, numbers as strings where Twilio sends strings, RFC 2822 dates).
import { toRfc2822 } from './twilio-dates.ts';
import type { EmulatedMessage } from './types.ts';

export const API_VERSION = '2010-04-01';

const ERROR_MESSAGES: Record<number, string> = {
  30003: 'Unreachable destination handset',
  30008: 'Unknown error',
};

export function messagesPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages`;
}

export function toMessageResource(message: EmulatedMessage) {
  const base = `${messagesPath(message.accountSid)}/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: toRfc2822(message.dateCreated),
    date_sent: message.dateSent === null ? null : toRfc2822(message.dateSent),
    date_updated: toRfc2822(message.dateUpdated),
    direction: 'outbound-api',
    error_code: message.errorCode,
    error_message: message.errorCode === null ? null : (ERROR_MESSAGES[message.errorCode] ?? null),
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: String(message.mediaUrls.length),
    // Twilio documents num_segments as 0 while a Messaging Service has not yet picked a sender
    // (status `accepted`); the real count appears once the message is queued.
    num_segments: message.status === 'accepted' ? '0' : String(message.numSegments),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: {
      media: `${base}/Media.json`,
      feedback: `${base}/Feedback.json`,
    },
    to: message.to,
    uri: `${base}.json`,
  };
}

export interface PageRequest {
  accountSid: string;
  filters: { To?: string; From?: string };
  page: number;
  pageSize: number;
}

/** Twilio's list envelope; `next_page_uri` is what twilio-node follows to fetch more. */
export function toMessagePage(all: EmulatedMessage[], request: PageRequest) {
  const { page, pageSize } = request;
  const start = page * pageSize;
  const slice = all.slice(start, start + pageSize);
  const uriFor = (pageNumber: number) => {
    const query = new URLSearchParams();
    if (request.filters.To) query.set('To', request.filters.To);
    if (request.filters.From) query.set('From', request.filters.From);
    query.set('PageSize', String(pageSize));
    query.set('Page', String(pageNumber));
    return `${messagesPath(request.accountSid)}.json?${query.toString()}`;
  };
  const hasNext = start + pageSize < all.length;
  return {
    end: slice.length === 0 ? start : start + slice.length - 1,
    first_page_uri: uriFor(0),
    messages: slice.map(toMessageResource),
    next_page_uri: hasNext ? uriFor(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    start,
    uri: uriFor(page),
  };
}
