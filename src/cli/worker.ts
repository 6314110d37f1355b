import { parentPort, workerData } from 'worker_threads';
import { processIo } from './io';
import { JobRunner, JobSettings } from './job';

// A worker thread of Pool: takes chunks of files, answers with their outcomes.
const data = workerData as { cwd: string; settings: JobSettings };
const runner = new JobRunner(data.settings, { ...processIo(), cwd: data.cwd });
parentPort?.on('message', (msg: { id: number; files: string[] }) => {
  parentPort?.postMessage({ id: msg.id, outcomes: msg.files.map((f) => runner.run(f)) });
});
