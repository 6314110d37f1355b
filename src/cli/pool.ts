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
const WORKER_THRESHOLD = 128;
const CHUNK = 64;

/**
 * Runs jobs as discovery finds them: in this thread for small runs, else in worker threads that
 * start once enough files are found and get chunks while the walk goes on. Outcomes come back in
 * no particular order; the caller sorts them.
 */
export class Pool {
  private readonly pending: Job[] = [];
  private readonly outcomes: FileOutcome[] = [];
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly inFlight: Array<Promise<void>> = [];
  private readonly workerScript = path.join(__dirname, 'worker.js');
  private count = 0;
  private next = 0;

  constructor(
    private readonly jobs: number,
    private readonly io: Io,
    private readonly onProgress?: (done: number) => void,
  ) {}

  add(job: Job): void {
    this.pending.push(job);
    this.count++;
    if (
      this.workers.length === 0 &&
      this.jobs > 1 &&
      this.count >= WORKER_THRESHOLD &&
      fs.existsSync(this.workerScript)
    ) {
      for (let i = 0; i < this.jobs; i++)
        this.workers.push({
          worker: new Worker(this.workerScript, { workerData: { cwd: this.io.cwd } }),
          busy: 0,
        });
    }
    if (this.workers.length > 0 && this.pending.length >= CHUNK)
      this.dispatch(this.pending.splice(0, this.pending.length));
  }

  /** Outcomes that need no processing (files that failed before they could be queued). */
  addOutcome(outcome: FileOutcome): void {
    this.outcomes.push(outcome);
  }

  private dispatch(chunk: Job[]): void {
    const slot = this.workers[this.next++ % this.workers.length];
    slot.busy++;
    this.inFlight.push(
      new Promise((resolve, reject) => {
        const onMessage = (msg: { id: number; outcomes: FileOutcome[] }) => {
          if (msg.id !== id) return;
          slot.worker.off('message', onMessage);
          slot.busy--;
          this.outcomes.push(...msg.outcomes);
          this.onProgress?.(this.outcomes.length);
          resolve();
        };
        const id = this.next;
        slot.worker.on('message', onMessage);
        slot.worker.once('error', reject);
        slot.worker.postMessage({ id, jobs: chunk });
      }),
    );
  }

  async finish(): Promise<FileOutcome[]> {
    if (this.workers.length === 0) {
      for (const job of this.pending.splice(0)) {
        this.outcomes.push(processFile(job.file, job.options, job.context, this.io));
        this.onProgress?.(this.outcomes.length);
      }
    } else if (this.pending.length > 0) {
      this.dispatch(this.pending.splice(0));
    }
    try {
      await Promise.all(this.inFlight);
    } finally {
      await Promise.all(this.workers.map((w) => w.worker.terminate()));
    }
    return this.outcomes;
  }
}
