// Status callbacks: every one kept as an audit row; the message's status only moves forward.
// The recording itself lives in src/store/status-callbacks.ts, shared with the status webhook,
// which records directly while Temporal cannot be reached.
import type { StatusCallbackReport } from '../shared/conversation-types.ts';
import { recordStatusCallback, type RecordedStatus } from '../store/status-callbacks.ts';
import type { ActivityDependencies } from './dependencies.ts';

export type { RecordedStatus } from '../store/status-callbacks.ts';

export function createStatusActivities({ db }: ActivityDependencies) {
  return {
    async recordStatusCallback(report: StatusCallbackReport): Promise<RecordedStatus> {
      return recordStatusCallback(db, report);
    },
  };
}
