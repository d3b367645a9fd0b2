// Maps a refused or failed workflow update to the HTTP answer an agent's client can act on.
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../shared/failure-types.ts';
import { BODY_REFUSAL_CODES, type BodyRefusalCode } from '../shared/message-limits.ts';
import { HttpError } from './http-error.ts';

const STATUS_OF: Record<string, { status: number; code: string }> = {
  [FailureType.InvalidMessage]: { status: 400, code: 'invalid_message' },
  [FailureType.CustomerOptedOut]: { status: 409, code: 'customer_opted_out' },
  [FailureType.ConversationClosed]: { status: 409, code: 'conversation_closed' },
  [FailureType.ConversationOpen]: { status: 409, code: 'conversation_open' },
  [FailureType.AlreadyAssigned]: { status: 409, code: 'already_assigned' },
  [FailureType.NotAssigned]: { status: 409, code: 'not_assigned' },
  [FailureType.NotAssignedToYou]: { status: 403, code: 'not_assigned_to_you' },
  [FailureType.TwilioRejected]: { status: 422, code: 'twilio_rejected' },
  [FailureType.ScheduledMessageNotFound]: { status: 409, code: 'not_scheduled' },
  // Well-formed, but not a time a message can be scheduled for now.
  [FailureType.InvalidSendTime]: { status: 422, code: 'invalid_send_at' },
};

/**
 * A refused body names its own code (body_too_long, too_many_segments) in its details, as the
 * API's own check does (src/shared/message-limits.ts), so both answer alike.
 */
function mappedRefusal(mapped: { status: number; code: string }, cause: ApplicationFailure): HttpError {
  const detail: unknown = cause.details?.[0] ?? undefined;
  if (cause.type === FailureType.InvalidMessage && isBodyRefusal(detail)) {
    const { code, ...counts } = detail;
    return new HttpError(mapped.status, code, cause.message, counts);
  }
  return new HttpError(mapped.status, mapped.code, cause.message, detail);
}

function isBodyRefusal(detail: unknown): detail is { code: BodyRefusalCode } & Record<string, unknown> {
  const code = (detail as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (BODY_REFUSAL_CODES as readonly string[]).includes(code);
}

/** Runs a workflow call; refusals become 4xx, an unreachable Temporal a 503. */
export async function viaWorkflow<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toHttpError(error);
  }
}

export function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof WorkflowNotFoundError) return new HttpError(404, 'conversation_not_found', 'The conversation has no workflow');
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause instanceof ApplicationFailure ? error.cause : undefined;
    const mapped = cause?.type && Object.hasOwn(STATUS_OF, cause.type) ? STATUS_OF[cause.type] : undefined;
    if (cause && mapped) return mappedRefusal(mapped, cause);
    // Any other failure's text may be a database's or a driver's (it once carried PostgreSQL's
    // own error): the client gets a generic answer, the log (via `cause`) gets the rest.
    return new HttpError(502, 'send_failed', 'The conversation could not complete the request; try again later', undefined, {
      cause: error,
    });
  }
  const grpcCode = (error as { code?: unknown }).code;
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4): Temporal is not answering.
  if (grpcCode === 14 || grpcCode === 4) {
    return new HttpError(503, 'temporal_unavailable', 'The workflow service is unavailable; try again');
  }
  return error;
}
