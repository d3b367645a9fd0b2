// What a failure may say to agents and to the stored record: our own failures' messages (we
// wrote them), Twilio's answers as we word them, and for anything else only its kind — the
// worker's log has the details, which may quote data or a driver's text.
import { ActivityFailure, type ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../shared/failure-types.ts';
import { applicationFailureOf } from './activity-proxies.ts';
import { rejection } from './rejection.ts';

/** Our own failure types: their messages were written by us and may be shown to agents. */
const OWN_FAILURE_TYPES = new Set<string>(Object.values(FailureType));

/** Failures whose message may be stored and shown: ours, and Twilio's answers as we word them. */
const SAFE_MESSAGE_TYPES = new Set<string>([...OWN_FAILURE_TYPES, 'TwilioSendError']);

/** Why a job or a send failed, for `parked_jobs` and a failed message's error. */
export function describeFailure(error: unknown): string {
  const cause = applicationFailureOf(error);
  const activity = error instanceof ActivityFailure ? ` in ${error.activityType}` : '';
  if (cause?.type && SAFE_MESSAGE_TYPES.has(cause.type)) return `${cause.message}${activity ? ` (${activity.trim()}, retries exhausted)` : ''}`;
  return `Failed${activity} after its retries (${cause?.type ?? (error as Error)?.name ?? 'Error'}); the worker's log has the details`;
}

/** A failed send as an update failure the API can explain. */
export function explainSendFailure(error: unknown): ApplicationFailure {
  const cause = applicationFailureOf(error);
  if (cause?.type && OWN_FAILURE_TYPES.has(cause.type)) return rejection(cause.type, cause.message, cause.details ?? undefined);
  return rejection('SendFailed', 'The message could not be sent');
}
