import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import type { RepoConfig } from './config';
import { DirIndex } from './dir-index';
import type { Io } from './io';
import { Job, JobRunner, JobSettings } from './job';
import type { FileOutcome } from './process-file';

/**
 * Below this many files, starting worker threads costs more than it saves. Measured on 2 cores
 * over the bench tree (npm run bench, "crossover"): one thread against `jobs` workers.
 */
export const WORKER_THRESHOLD = 1024;
const CHUNK = 64;
/** A chunk ends where a folder does when it can: the files of one folder share a worker's caches. */
const MAX_CHUNK = 2 * CHUNK;
/** Chunks each worker holds at once, so that it never waits for the main thread between two. */
const IN_FLIGHT_PER_WORKER = 2;
/** Folders walked between two turns of the event loop, when workers may have answered. */
const FOLDERS_PER_TURN = 16;

interface WorkerSlot {
  worker: Worker;
  inFlight: number;
}

interface Pending extends Job {
  seq: number;
}

/**
 * Runs files and hands their outcomes to `onOutcome` in the order they were added, as soon as each
 * one and all before it are done: output streams in path order, and at most a few chunks of
 * outcomes are held at a time however large the run.
 *
 * The walk goes on while files run (run.ts calls `between` after each folder it lists). Small
 * runs and --jobs 1 run in this thread, as the walk finds the files (so the folders the walk
 * listed are still in the DirIndex when their build contexts are read). From WORKER_THRESHOLD
 * files on, `jobs` worker threads run the files, each given the next chunk when it has room, and
 * this thread only walks, hands out chunks and prints.
 */
export class Pool {
  private readonly pending: Pending[] = [];
  private readonly done = new Map<number, FileOutcome>();
  private readonly slots: WorkerSlot[] = [];
  private readonly workerScript = path.join(__dirname, 'worker.js');
  private hasWorkerScript: boolean | undefined;
  private readonly local: JobRunner;
  private added = 0;
  private emitted = 0;
  private walkFinished = false;
  private foldersSinceTurn = 0;
  private failure: Error | null = null;
  private settle: (() => void) | null = null;

  constructor(
    private readonly jobs: number,
    private readonly settings: JobSettings,
    private readonly io: Io,
    dirs: DirIndex,
    private readonly onOutcome: (outcome: FileOutcome) => void,
  ) {
    this.local = new JobRunner(settings, io, dirs);
  }

  /**
   * A Dockerfile found, with the config that applies to it when the walk already knows it (then
   * the thread that runs it does not look for it again).
   */
  add(file: string, config?: RepoConfig | null): void {
    this.pending.push({ seq: this.added++, file, config });
    if (
      this.slots.length === 0 &&
      this.jobs > 1 &&
      this.added >= WORKER_THRESHOLD &&
      (this.hasWorkerScript ??= fs.existsSync(this.workerScript))
    )
      for (let i = 0; i < this.jobs; i++) this.slots.push(this.startWorker());
    this.dispatch();
  }

  /** An outcome known without running anything (a path error, a link out of bounds), in order. */
  addResolved(outcome: FileOutcome): void {
    this.done.set(this.added++, outcome);
    this.emit();
  }

  /**
   * Called by the walk each time it is done with a folder: runs what was found there in this
   * thread when no worker will (--jobs 1), and now and then returns a turn of the event loop to
   * wait for, in which the workers' answers come in and they get their next chunks.
   */
  between(walked: string): Promise<void> | undefined {
    if (this.slots.length === 0) {
      if (this.jobs <= 1) this.runLocally(walked);
      return undefined;
    }
    if (++this.foldersSinceTurn < FOLDERS_PER_TURN) return undefined;
    this.foldersSinceTurn = 0;
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Runs the files found so far in this thread, in order, up to the first whose folder the walk
   * is not done with (`walked` and all below it are; null: the walk is over).
   */
  private runLocally(walked: string | null): void {
    while (this.pending.length > 0) {
      const dir = path.dirname(this.pending[0].file);
      if (walked !== null && dir !== walked && !dir.startsWith(walked + path.sep)) return;
      const { seq, file, config } = this.pending.shift()!;
      this.done.set(seq, this.local.run({ file, config }));
      this.emit();
    }
  }

  private startWorker(): WorkerSlot {
    const worker = new Worker(this.workerScript, {
      workerData: { cwd: this.io.cwd, settings: this.settings },
    });
    const slot = { worker, inFlight: 0 };
    worker.on('message', (msg: { seqs: number[]; outcomes: FileOutcome[] }) => {
      slot.inFlight--;
      msg.outcomes.forEach((o, i) => this.done.set(msg.seqs[i], o));
      this.dispatch();
      this.emit();
    });
    worker.on('error', (e) => {
      this.failure = e;
      this.settle?.();
    });
    return slot;
  }

  /** The next chunk: CHUNK files, or a few more to finish the folder of the last one. */
  private nextChunk(): Pending[] {
    let n = Math.min(CHUNK, this.pending.length);
    const folder = (i: number) => path.dirname(this.pending[i].file);
    while (n < this.pending.length && n < MAX_CHUNK && folder(n) === folder(n - 1)) n++;
    return this.pending.splice(0, n);
  }

  private dispatch(): void {
    if (this.slots.length === 0) return;
    for (;;) {
      // A full chunk, unless the walk is over; one that ends inside a folder waits for more.
      const full =
        this.pending.length >= MAX_CHUNK ||
        (this.pending.length > CHUNK &&
          path.dirname(this.pending[CHUNK].file) !== path.dirname(this.pending[CHUNK - 1].file)) ||
        (this.walkFinished && this.pending.length > 0);
      if (!full) return;
      const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      if (slot.inFlight >= IN_FLIGHT_PER_WORKER) return;
      const chunk = this.nextChunk();
      slot.inFlight++;
      slot.worker.postMessage({
        seqs: chunk.map((c) => c.seq),
        jobs: chunk.map(({ file, config }) => ({ file, config })),
      });
    }
  }

  private emit(): void {
    for (let o = this.done.get(this.emitted); o !== undefined; o = this.done.get(this.emitted)) {
      this.done.delete(this.emitted++);
      this.onOutcome(o);
    }
    if (this.emitted === this.added && this.walkFinished) this.settle?.();
  }

  /** Called once discovery is over; resolves when every outcome has been handed over. */
  async finish(): Promise<void> {
    this.walkFinished = true;
    try {
      if (this.slots.length === 0) {
        this.runLocally(null);
        return;
      }
      const settled = new Promise<void>((resolve) => (this.settle = resolve));
      this.dispatch();
      this.emit();
      await settled;
      if (this.failure) throw this.failure;
    } finally {
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    }
  }
}
