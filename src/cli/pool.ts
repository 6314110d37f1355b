import fs from 'fs';
import path from 'path';
import { Worker } from 'worker_threads';
import { DirIndex } from './dir-index';
import type { Io } from './io';
import { JobRunner, JobSettings } from './job';
import type { FileOutcome } from './process-file';

/**
 * Below this many files, starting worker threads costs more than it saves. Measured on 2 cores
 * over the bench tree (npm run bench, "crossover"), one thread vs one thread plus a worker:
 * 512 files 513 / 516 ms, 1,024 files 815 / 821 ms, 2,048 files 1,426 / 1,318 ms.
 */
export const WORKER_THRESHOLD = 1024;
const CHUNK = 64;
/** Chunks each worker holds at once, so that it never waits for the main thread between two. */
const IN_FLIGHT_PER_WORKER = 2;

interface WorkerSlot {
  worker: Worker;
  inFlight: number;
}

/**
 * Runs files and hands their outcomes to `onOutcome` in the order they were added, as soon as each
 * one and all before it are done: output streams in path order, and at most a few chunks of
 * outcomes are held at a time however large the run. Small runs stay in this thread; from
 * WORKER_THRESHOLD files on (with --jobs above 1), workers start while the walk goes on, each
 * given the next chunk when it has room, and this thread takes chunks too once the walk is over.
 */
export class Pool {
  private readonly pending: Array<{ seq: number; file: string }> = [];
  private readonly done = new Map<number, FileOutcome>();
  private readonly slots: WorkerSlot[] = [];
  private readonly workerScript = path.join(__dirname, 'worker.js');
  private hasWorkerScript: boolean | undefined;
  private readonly local: JobRunner;
  private added = 0;
  private emitted = 0;
  private walkFinished = false;
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

  add(file: string): void {
    this.pending.push({ seq: this.added++, file });
    // This thread works too once the walk is over, so jobs - 1 workers make `jobs` threads.
    if (
      this.slots.length === 0 &&
      this.jobs > 1 &&
      this.added >= WORKER_THRESHOLD &&
      (this.hasWorkerScript ??= fs.existsSync(this.workerScript))
    )
      for (let i = 1; i < this.jobs; i++) this.slots.push(this.startWorker());
    this.dispatch();
  }

  /** An outcome known without running anything (a path error, a link out of bounds), in order. */
  addResolved(outcome: FileOutcome): void {
    this.done.set(this.added++, outcome);
    this.emit();
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

  private dispatch(): void {
    if (this.slots.length === 0) return;
    for (;;) {
      const full = this.pending.length >= CHUNK || (this.walkFinished && this.pending.length > 0);
      if (!full) return;
      const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      if (slot.inFlight >= IN_FLIGHT_PER_WORKER) return;
      const chunk = this.pending.splice(0, CHUNK);
      slot.inFlight++;
      slot.worker.postMessage({ seqs: chunk.map((c) => c.seq), files: chunk.map((c) => c.file) });
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
        for (const { seq, file } of this.pending.splice(0)) {
          this.done.set(seq, this.local.run(file));
          this.emit();
        }
        return;
      }
      const settled = new Promise<void>((resolve) => (this.settle = resolve));
      for (;;) {
        this.dispatch();
        const chunk = this.pending.splice(0, CHUNK);
        if (chunk.length === 0) break;
        for (const { seq, file } of chunk) this.done.set(seq, this.local.run(file));
        this.emit();
        // Let the workers' answers in, so they get their next chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.emit();
      await settled;
      if (this.failure) throw this.failure;
    } finally {
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    }
  }
}
