import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import type { TransformOptions } from '../types';
import type { Io } from './io';
import { FileOutcome, processFile } from './process-file';

export interface Job {
  file: string;
  options: TransformOptions;
  /** Build context folder; undefined = the Dockerfile's folder. */
  context?: string;
}

/** Below this many files, starting worker threads costs more than it saves. */
const MIN_FILES_PER_WORKER = 64;
const CHUNK = 32;

/**
 * Processes every job, in worker threads when there are enough files and `jobs` > 1, else in
 * this thread. The outcomes come back in the order of `work`, whatever the scheduling.
 */
export async function processAll(
  work: Job[],
  jobs: number,
  io: Io,
  onProgress?: (done: number) => void,
): Promise<FileOutcome[]> {
  const workerScript = path.join(__dirname, 'worker.js');
  const workers = Math.min(jobs, Math.floor(work.length / MIN_FILES_PER_WORKER));
  if (workers < 2 || !fs.existsSync(workerScript)) {
    return work.map((job, i) => {
      const outcome = processFile(job.file, job.options, job.context, io);
      onProgress?.(i + 1);
      return outcome;
    });
  }
  const results: FileOutcome[] = new Array(work.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerScript, { workerData: { cwd: io.cwd } });
          let chunkStart = 0;
          const send = () => {
            if (next >= work.length) {
              void worker.terminate();
              return resolve();
            }
            chunkStart = next;
            next = Math.min(work.length, next + CHUNK);
            worker.postMessage(work.slice(chunkStart, next));
          };
          worker.on('message', (outcomes: FileOutcome[]) => {
            outcomes.forEach((o, i) => (results[chunkStart + i] = o));
            done += outcomes.length;
            onProgress?.(done);
            send();
          });
          worker.on('error', reject);
          send();
        }),
    ),
  );
  return results;
}
