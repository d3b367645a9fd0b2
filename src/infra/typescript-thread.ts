// Starts a worker thread from a TypeScript module. Node 20 cannot load .ts itself and its
// module hooks (how tsx loads the main thread) do not reach worker threads, so the thread's
// first step is tsx's own API, which compiles the module as the main thread's were.
import { Worker } from 'node:worker_threads';

export function startTypeScriptThread(module: URL, workerData: unknown): Worker {
  const entry = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(module.href)}))`;
  return new Worker(entry, { eval: true, workerData });
}
