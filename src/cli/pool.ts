import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import { DirIndex } from './dir-index';
import type { Io } from './io';
import { JobRunner, JobSettings } from './job';
import type { FileOutcome } from './process-file';

/** Below this many files, starting worker threads costs more than it saves. */
const WORKER_THRESHOLD = 128;
const CHUNK = 64;

/**
 * Runs files as discovery finds them: in this thread for small runs, else in worker threads that
 * start once enough files are found and get chunks while the walk goes on. Each file's options
 * and context are worked out where it runs, so the walking thread only walks. Outcomes come back
 * in no particular order; the caller sorts them.
 */
export class Pool {
  private readonly pending: string[] = [];
  private readonly outcomes: FileOutcome[] = [];
  private readonly workers: Worker[] = [];
  private readonly inFlight: Array<Promise<void>> = [];
  private readonly workerScript = path.join(__dirname, 'worker.js');
  private readonly local: JobRunner;
  private count = 0;
  private next = 0;

  constructor(
    private readonly jobs: number,
    private readonly settings: JobSettings,
    private readonly io: Io,
    dirs: DirIndex,
    private readonly onProgress?: (done: number) => void,
  ) {
    this.local = new JobRunner(settings, io, dirs);
  }

  add(file: string): void {
    this.pending.push(file);
    this.count++;
    if (
      this.workers.length === 0 &&
      this.jobs > 1 &&
      this.count >= WORKER_THRESHOLD &&
      fs.existsSync(this.workerScript)
    ) {
      for (let i = 0; i < this.jobs; i++) {
        this.workers.push(
          new Worker(this.workerScript, {
            workerData: { cwd: this.io.cwd, settings: this.settings },
          }),
        );
      }
    }
    if (this.workers.length > 0 && this.pending.length >= CHUNK)
      this.dispatch(this.pending.splice(0));
  }

  private dispatch(files: string[]): void {
    const id = this.next++;
    const worker = this.workers[id % this.workers.length];
    this.inFlight.push(
      new Promise((resolve, reject) => {
        const onMessage = (msg: { id: number; outcomes: FileOutcome[] }) => {
          if (msg.id !== id) return;
          worker.off('message', onMessage);
          this.outcomes.push(...msg.outcomes);
          this.onProgress?.(this.outcomes.length);
          resolve();
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.postMessage({ id, files });
      }),
    );
  }

  async finish(): Promise<FileOutcome[]> {
    if (this.workers.length === 0) {
      for (const file of this.pending.splice(0)) {
        this.outcomes.push(this.local.run(file));
        this.onProgress?.(this.outcomes.length);
      }
    } else if (this.pending.length > 0) {
      this.dispatch(this.pending.splice(0));
    }
    try {
      await Promise.all(this.inFlight);
    } finally {
      await Promise.all(this.workers.map((w) => w.terminate()));
    }
    return this.outcomes;
  }
}
