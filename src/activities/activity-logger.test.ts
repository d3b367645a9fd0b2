// Activity log lines carry the ids of the activity that wrote them, taken from the SDK's own
// activity context (MockActivityEnvironment runs a function inside a real one).
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { withActivityContext } from './activity-logger.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream).child({ component: 'activities' }), lines };
}

it('adds the workflow and activity ids inside an activity, nothing outside one', async () => {
  const { log, lines } = capturingLogger();
  const contextual = withActivityContext(log);
  const environment = new MockActivityEnvironment({
    workflowExecution: { workflowId: 'sms-conversation:+15005550006:+15550001111', runId: 'run-1' },
    activityId: '7',
    activityType: 'sendMessage',
    attempt: 2,
  });
  await environment.run(async () => contextual.warn({ messageSid: 'SM1' }, 'inside'));
  contextual.info('outside');

  expect(lines[0]).toMatchObject({
    msg: 'inside',
    component: 'activities',
    messageSid: 'SM1',
    workflowId: 'sms-conversation:+15005550006:+15550001111',
    runId: 'run-1',
    activityId: '7',
    activityType: 'sendMessage',
    attempt: 2,
  });
  expect(lines[1]).toMatchObject({ msg: 'outside', component: 'activities' });
  expect(lines[1]).not.toHaveProperty('workflowId');
  // Everything else is the logger itself.
  expect(contextual.level).toBe('info');
  expect(contextual.child({ a: 1 }).bindings()).toMatchObject({ component: 'activities', a: 1 });
});
