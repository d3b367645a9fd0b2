// Activity log lines name the workflow and the activity they come from, so a line about a text
// can be followed to its conversation in the Temporal UI. The activities share one logger built
// with the worker; this one adds, at each call, the ids of the activity running right now (the
// SDK keeps them in async-local storage: Context.current()). Outside an activity it logs as is.
import { Context } from '@temporalio/activity';
import type { Logger } from '../infra/logger.ts';

const LEVELS = new Set<PropertyKey>(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

function currentActivityFields(): Record<string, unknown> | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  return {
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    activityId: info.activityId,
    activityType: info.activityType,
    attempt: info.attempt,
  };
}

export function withActivityContext(log: Logger): Logger {
  return new Proxy(log, {
    get(target, property) {
      if (!LEVELS.has(property)) return Reflect.get(target, property) as unknown;
      return (...args: unknown[]) => {
        const fields = currentActivityFields();
        const logger = fields ? target.child(fields) : target;
        return (logger[property as 'info'] as (...a: unknown[]) => void)(...args);
      };
    },
  });
}
