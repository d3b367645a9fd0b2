// The worker's sticky workflow cache size. src/temporal/create-worker.ts sets no
// maxCachedWorkflows, so the SDK's default applies, which it derives from this process's V8 heap
// limit (node_modules/@temporalio/worker/lib/worker-options.js, reuseV8Context = true):
// max(floor((heap limit MiB − 200) × 600 / 1024), 10). The worker runs in this process, so the
// same heap limit gives the same number.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

export interface WorkflowCacheSize {
  maxCachedWorkflows: number;
  heapLimitMiB: number;
  source: string;
}

export function workflowCacheSize(): WorkflowCacheSize {
  const heapLimitMiB = Math.round(v8.getHeapStatistics().heap_size_limit / 1024 / 1024);
  const maxCachedWorkflows = Math.max(Math.floor((Math.max(heapLimitMiB - 200, 0) * 600) / 1024), 10);
  let source = `SDK default for a ${heapLimitMiB} MiB heap limit`;
  try {
    const workerSource = readFileSync(fileURLToPath(new URL('../src/temporal/create-worker.ts', import.meta.url)), 'utf8');
    if (workerSource.includes('maxCachedWorkflows')) source += ' — but create-worker.ts now mentions maxCachedWorkflows, so the worker may use another value';
  } catch {
    // Only a hint; the default stands.
  }
  return { maxCachedWorkflows, heapLimitMiB, source };
}
