// Errors the emulated REST API answers with, in the JSON shape Twilio uses:
// {"code": 21211, "message": "...", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
// twilio-node's RestException reads `code`, `message` and `more_info` from exactly this shape.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  override name = 'TwilioApiError';
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toJSON(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.httpStatus,
    };
  }
}

// Twilio's 20xxx codes mirror plain HTTP failures (20003 auth, 20404 not found, 20429 too many
// requests, 20500 internal error, 20503 unavailable); the same rule names the ones Twilio has no
// documented code for (413, malformed bodies).
export function httpMirrorError(httpStatus: number, message: string): TwilioApiError {
  return new TwilioApiError(httpStatus, 20000 + httpStatus, message);
}

const HTTP_REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function injectedFailure(httpStatus: number): TwilioApiError {
  return httpMirrorError(httpStatus, HTTP_REASONS[httpStatus] ?? `HTTP ${httpStatus}`);
}

export const twilioErrors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate'),
  notFound: (path: string) =>
    new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  toRequired: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  toInvalid: (to: string) =>
    new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  fromRequired: () => new TwilioApiError(400, 21603, "A 'From' phone number is required."),
  fromInvalid: (from: string) =>
    new TwilioApiError(
      400,
      21212,
      `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
    ),
  messagingServiceInvalid: (sid: string) =>
    new TwilioApiError(400, 21701, `The Messaging Service Sid ${sid} is invalid.`),
  bodyRequired: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  bodyTooLong: () =>
    new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  mediaUrlInvalid: () => new TwilioApiError(400, 21620, 'Invalid media URL(s)'),
  statusCallbackInvalid: () => new TwilioApiError(400, 21609, "Invalid 'StatusCallback'"),
  unsubscribedRecipient: () =>
    new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient'),
};
