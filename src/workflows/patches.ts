// Names of the workflow's patches (`patched(name)`): each gates a change that would not replay
// the histories of runs started before it. A name is never reused. Lifecycle and rules:
// docs/workflow-versioning.md.
export const Patches = {
  /** Sends are recorded in the job queue and handed to the outbox instead of sent inline. */
  OutboxSends: 'outbox-sends-v1',
  /** A duplicate that optimistically reopened a closed conversation hands the reopening on. */
  DuplicateReopenHandover: 'duplicate-reopen-handover-v1',
  /** A job that kept failing is parked (`parked_jobs`) and flagged, not just logged. */
  ParkFailedJobs: 'park-failed-jobs-v1',
} as const;
