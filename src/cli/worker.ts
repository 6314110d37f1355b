import { parentPort, workerData } from 'worker_threads';
import { processIo } from './io';
import { Job, JobRunner, JobSettings } from './job';

// A worker thread of Pool: takes chunks of files, answers with their outcomes in the same order.
const data = workerData as { cwd: string; settings: JobSettings };
const runner = new JobRunner(data.settings, { ...processIo(), cwd: data.cwd });
parentPort?.on('message', (msg: { seqs: number[]; jobs: Job[] }) => {
  parentPort?.postMessage({ seqs: msg.seqs, outcomes: msg.jobs.map((j) => runner.run(j)) });
});
