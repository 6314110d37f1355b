import fs from 'fs';

/** Everything the CLI touches outside itself, so tests can drive it with fakes. */
export interface Io {
  stdout: { write(text: string): void; isTTY: boolean };
  stderr: { write(text: string): void; isTTY: boolean };
  stdinIsTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  fs: typeof fs;
  now(): number;
  cpus(): number;
  /** Reads one line from stdin (for --interactive). */
  prompt?(question: string): Promise<string>;
}

export function processIo(): Io {
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: Boolean(process.stderr.isTTY) },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    cwd: process.cwd(),
    fs,
    now: () => Number(process.hrtime.bigint()) / 1e6,
    cpus: () => require('os').availableParallelism?.() ?? require('os').cpus().length,
    prompt: (question) =>
      new Promise((resolve) => {
        const rl = require('readline').createInterface({
          input: process.stdin,
          output: process.stdout,
        });
        rl.question(question, (answer: string) => {
          rl.close();
          resolve(answer);
        });
        rl.on('close', () => resolve('q'));
      }),
  };
}
