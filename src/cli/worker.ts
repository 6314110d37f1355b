import { parentPort, workerData } from 'worker_threads';
import { processIo } from './io';
import type { Job } from './pool';
import { processFile } from './process-file';

// A worker thread of Pool: takes chunks of jobs, answers with their outcomes.
const io = { ...processIo(), cwd: (workerData as { cwd: string }).cwd };
parentPort?.on('message', (msg: { id: number; jobs: Job[] }) => {
  parentPort?.postMessage({
    id: msg.id,
    outcomes: msg.jobs.map((j) => processFile(j.file, j.options, j.context, io)),
  });
});
