// Renders owned numbers as Twilio's IncomingPhoneNumber resource and its list page (snake_case,
// RFC 2822 dates, empty strings where Twilio leaves a URL unset).
import { API_VERSION } from './message-resource.ts';
import { toRfc2822 } from './twilio-dates.ts';
import type { EmulatedPhoneNumber } from './types.ts';

export function phoneNumbersPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/IncomingPhoneNumbers`;
}

export function toPhoneNumberResource(number: EmulatedPhoneNumber) {
  return {
    account_sid: number.accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: toRfc2822(number.dateCreated),
    date_updated: toRfc2822(number.dateUpdated),
    emergency_status: 'Inactive',
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    friendly_name: number.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: number.phoneNumber,
    sid: number.sid,
    sms_application_sid: '',
    sms_fallback_method: number.smsFallbackMethod,
    sms_fallback_url: number.smsFallbackUrl ?? '',
    sms_method: number.smsMethod,
    sms_url: number.smsUrl ?? '',
    status_callback: number.statusCallback ?? '',
    status_callback_method: number.statusCallbackMethod,
    trunk_sid: null,
    uri: `${phoneNumbersPath(number.accountSid)}/${number.sid}.json`,
    voice_application_sid: '',
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: 'POST',
    voice_url: null,
    bundle_sid: null,
    voice_receive_mode: 'voice',
    status: 'in-use',
    type: 'local',
  };
}

export interface PhoneNumberPageRequest {
  accountSid: string;
  filters: { PhoneNumber?: string; FriendlyName?: string };
  page: number;
  pageSize: number;
}

/** Twilio's list envelope, `incoming_phone_numbers` holding the page. */
export function toPhoneNumberPage(all: EmulatedPhoneNumber[], request: PhoneNumberPageRequest) {
  const { page, pageSize } = request;
  const start = page * pageSize;
  const slice = all.slice(start, start + pageSize);
  const uriFor = (pageNumber: number) => {
    const query = new URLSearchParams();
    if (request.filters.PhoneNumber) query.set('PhoneNumber', request.filters.PhoneNumber);
    if (request.filters.FriendlyName) query.set('FriendlyName', request.filters.FriendlyName);
    query.set('PageSize', String(pageSize));
    query.set('Page', String(pageNumber));
    return `${phoneNumbersPath(request.accountSid)}.json?${query.toString()}`;
  };
  return {
    end: slice.length === 0 ? start : start + slice.length - 1,
    first_page_uri: uriFor(0),
    incoming_phone_numbers: slice.map(toPhoneNumberResource),
    next_page_uri: start + pageSize < all.length ? uriFor(page + 1) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    start,
    uri: uriFor(page),
  };
}
