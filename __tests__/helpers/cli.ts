import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Io } from '../../src/cli/io';
import { run } from '../../src/cli/run';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function makeIo(
  cwd: string,
  env: Record<string, string> = {},
): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (t) => void out.push(t), isTTY: false },
    stderr: { write: (t) => void err.push(t), isTTY: false },
    stdinIsTTY: false,
    env,
    cwd,
    fs,
    now: () => 0,
    cpus: () => 2,
  };
}

export async function runCli(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  const io = makeIo(cwd, env);
  const code = await run(argv, io, '0.0.0-test');
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

/** A temporary folder tree from a map of relative paths to contents. */
export function makeTree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

export const NODE_APP = {
  'package.json': JSON.stringify({
    name: 'a',
    scripts: { start: 'node server.js' },
    dependencies: {},
  }),
  'package-lock.json': '{}',
  'server.js': 'require("http").createServer((q, r) => r.end("ok")).listen(3000);\n',
  Dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["npm", "start"]\n',
};
