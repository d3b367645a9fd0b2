// Whether a given worker process polls a task queue: how a test knows a worker it started (as a
// child process) is ready, without reading its logs. The SDK's default worker identity is
// `${pid}@${hostname}`, so the pid names the process.
import type { Client } from '@temporalio/client';

export async function processPollsTaskQueue(client: Client, namespace: string, taskQueue: string, pid: number): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: 1 /* NORMAL */ },
    taskQueueType: 1 /* WORKFLOW */,
  });
  return (pollers ?? []).some((poller) => poller.identity?.startsWith(`${pid}@`));
}
