import { parentPort, workerData } from 'worker_threads';
import { processIo } from './io';
import type { Job } from './pool';
import { processFile } from './process-file';

// A worker thread of processAll: takes chunks of jobs, answers with their outcomes in order.
const io = { ...processIo(), cwd: (workerData as { cwd: string }).cwd };
parentPort?.on('message', (jobs: Job[]) => {
  parentPort?.postMessage(jobs.map((j) => processFile(j.file, j.options, j.context, io)));
});
