/**
 * Runs an image with its processes traced from the host, from the entrypoint's first instruction:
 * the container is created, `strace -f` attaches to containerd (which Docker's engine drives),
 * and only then is the container started, so the trace holds runc creating it and the
 * entrypoint's execve onwards (trace.ts keeps the container's part). Needs no change to the
 * Docker daemon, the image or the container: strace on the Docker host and the right to trace
 * containerd (root, or CAP_SYS_PTRACE). Every container started on the host while the trace runs
 * is slowed down (each syscall of containerd and its shims stops for the tracer), so the trace
 * lasts only as long as the run, and `timeout` ends it even if this process dies.
 */
import { spawn, spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Docker } from './docker';
import { get, Response, waitForHttp } from './probe';
import { parseTrace, Trace, TRACE_SYSCALLS } from './trace';

export type ObserveSupport =
  { ok: true; strace: string; flags: string[]; containerd: number } | { ok: false; why: string };

/** Files observe reads; a seam for tests. */
export interface HostView {
  env: NodeJS.ProcessEnv;
  platform: string;
  read(file: string): string | null;
  /** `strace -V`'s first line, or null when strace cannot be run. */
  straceVersion(): string | null;
}

export const hostView: HostView = {
  env: process.env,
  platform: process.platform,
  read: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
  straceVersion: () => {
    const r = spawnSync('strace', ['-V'], { encoding: 'utf8' });
    return r.status === 0 ? (r.stdout ?? '').split('\n')[0] : null;
  },
};

const CAP_SYS_PTRACE = 19;
const CONTAINERD_PID_FILES = [
  '/var/run/docker/containerd/containerd.pid',
  '/run/docker/containerd/containerd.pid',
  '/run/containerd/containerd.pid',
];

/**
 * Whether this machine can observe, and if not, the one thing that is missing. Checked before
 * anything runs, so that verify says so once and goes on without observing.
 */
export function observeSupport(host: HostView = hostView): ObserveSupport {
  if (host.platform !== 'linux')
    return { ok: false, why: `observing needs Linux and its ptrace (this is ${host.platform})` };
  const dockerHost = host.env.DOCKER_HOST ?? '';
  if (dockerHost !== '' && !dockerHost.startsWith('unix://'))
    return {
      ok: false,
      why: `the Docker engine is at DOCKER_HOST=${dockerHost}, not on this machine, where strace could reach its processes`,
    };
  const version = host.straceVersion();
  if (version === null)
    return { ok: false, why: 'strace is not installed (apt-get install strace, apk add strace)' };
  const m = /version (\d+)\.(\d+)/.exec(version);
  const major = m ? Number(m[1]) : 0;
  const minor = m ? Number(m[2]) : 0;
  if (major < 5 || (major === 5 && minor < 9))
    return {
      ok: false,
      why: `strace ${m ? `${major}.${minor}` : '(unknown version)'} is too old: 5.9 or later translates the container's pids (--pidns-translation)`,
    };
  const status = host.read('/proc/self/status') ?? '';
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  if (capEff !== undefined && !((BigInt(`0x${capEff}`) >> BigInt(CAP_SYS_PTRACE)) & BigInt(1)))
    return {
      ok: false,
      why: 'this process lacks CAP_SYS_PTRACE, which tracing containerd needs: run verify as root on the Docker host (in a container: --cap-add SYS_PTRACE --pid host)',
    };
  if ((host.read('/proc/sys/kernel/yama/ptrace_scope') ?? '').trim() === '3')
    return {
      ok: false,
      why: 'the kernel forbids every ptrace attach (kernel.yama.ptrace_scope is 3)',
    };
  let containerd: number | null = null;
  for (const file of CONTAINERD_PID_FILES) {
    const pid = Number((host.read(file) ?? '').trim());
    if (pid > 0 && /^containerd\b/.test((host.read(`/proc/${pid}/comm`) ?? '').trim())) {
      containerd = pid;
      break;
    }
  }
  if (containerd === null)
    return {
      ok: false,
      why: "no containerd process is visible here (Docker's engine runs in another pid namespace or on another machine)",
    };
  const flags = [
    '-f',
    '-ttt',
    '-yy',
    major >= 6 ? '--decode-pids=pidns' : '--pidns-translation',
    '-s',
    '4096',
    '-e',
    `trace=${TRACE_SYSCALLS.join(',')}`,
  ];
  return { ok: true, strace: 'strace', flags, containerd };
}

export interface ObservedRun {
  /** The trace of the container's processes; null when observing failed (see `traceError`). */
  trace: Trace | null;
  traceError?: string;
  responses: Response[];
  uids: string[];
  /** Set when the app did not answer (or exited first): what verify reports. */
  error?: string;
  /** The container's exit, when it exited by itself. */
  exitCode?: number;
}

export interface ObserveInput {
  image: string;
  container: string;
  port: number;
  paths: string[];
  env: Record<string, string>;
  network: 'host' | 'bridge';
  startTimeoutS: number;
  /** A folder for the raw trace (removed by the caller). */
  workDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** strace attached to containerd, writing its trace to a file, until stop(). */
export interface Tracer {
  /** Why it is not tracing (the attach failed); the run goes on untraced. */
  error?: string;
  /** Detaches (SIGINT) and waits for strace to finish writing. */
  stop(): Promise<void>;
  /** Detaches if still attached, and reads what the container `id` did. */
  trace(id: string, cwd: string): Promise<{ trace: Trace } | { error: string }>;
}

/**
 * Attaches strace to containerd, before the container is started. `limitS` bounds the trace:
 * `timeout` sends SIGINT (strace then detaches cleanly) even if this process is killed, so
 * containerd is never left traced.
 */
export async function startTracer(
  support: Extract<ObserveSupport, { ok: true }>,
  workDir: string,
  limitS: number,
): Promise<Tracer> {
  const traceFile = path.join(workDir, 'trace.raw');
  const errFile = path.join(workDir, 'strace.err');
  const err = fs.openSync(errFile, 'w');
  const tracer = spawn(
    'timeout',
    [
      '--signal=INT',
      '--kill-after=10',
      String(Math.ceil(limitS)),
      support.strace,
      ...support.flags,
      '-o',
      traceFile,
      '-p',
      String(support.containerd),
    ],
    { stdio: ['ignore', 'ignore', err] },
  );
  fs.closeSync(err);
  let exited = false;
  tracer.on('exit', () => (exited = true));
  tracer.on('error', () => (exited = true));
  const errText = () => {
    try {
      return fs.readFileSync(errFile, 'utf8');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 15_000;
  while (!/attached/.test(errText()) && !exited && Date.now() < deadline) await sleep(20);
  const stop = async () => {
    if (exited) return;
    tracer.kill('SIGINT');
    const until = Date.now() + 10_000;
    while (!exited && Date.now() < until) await sleep(20);
    if (!exited) tracer.kill('SIGKILL');
  };
  if (!/attached/.test(errText())) {
    await stop();
    const error = `strace could not attach to containerd (pid ${support.containerd}): ${errText().trim().split('\n').pop() || 'no answer within 15 s'}`;
    return { error, stop, trace: async () => ({ error }) };
  }
  return {
    stop,
    trace: async (id, cwd) => {
      await stop();
      const text = fs.existsSync(traceFile) ? fs.readFileSync(traceFile, 'utf8') : '';
      fs.rmSync(traceFile, { force: true });
      const trace = parseTrace(text, { container: id, cwd });
      return trace.root === null
        ? { error: "the entrypoint's start is not in the trace (did the container start?)" }
        : { trace };
    },
  };
}

/**
 * Creates the container, attaches the tracer to containerd, starts the container, probes it as
 * verify does (or lets a program that exits run until it exits), stops it, detaches and parses
 * the trace. A failure to trace never stops the run: the app is probed all the same.
 */
export async function runObserved(
  docker: Docker,
  support: Extract<ObserveSupport, { ok: true }>,
  input: ObserveInput,
  log: (line: string) => void = () => {},
): Promise<ObservedRun> {
  await docker.run(['rm', '-f', input.container]);
  const net =
    input.network === 'host'
      ? ['--network', 'host']
      : ['-p', `127.0.0.1:${input.port}:${input.port}`];
  const envArgs = Object.entries(input.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const created = await docker.run([
    'create',
    '--name',
    input.container,
    ...net,
    ...envArgs,
    input.image,
  ]);
  if (created.code !== 0)
    return {
      trace: null,
      traceError: 'the container was not created',
      responses: [],
      uids: [],
      error: `docker create failed: ${created.stderr.trim().split('\n').pop()}`,
    };
  const id = created.stdout.trim();
  const workdir =
    (
      await docker.run(['image', 'inspect', '-f', '{{.Config.WorkingDir}}', input.image])
    ).stdout.trim() || '/';
  const tracer = await startTracer(
    support,
    input.workDir,
    input.startTimeoutS + 60 + input.paths.length * 5,
  );
  if (tracer.error) log(`observe: ${tracer.error}; running without observation`);
  const run: ObservedRun = { trace: null, responses: [], uids: [] };
  try {
    const started = await docker.run(['start', input.container]);
    if (started.code !== 0) {
      run.error = `docker start failed: ${started.stderr.trim().split('\n').pop()}`;
      return run;
    }
    const alive = async () =>
      (await docker.run(['inspect', '-f', '{{.State.Running}}', input.container])).stdout.trim() ===
      'true';
    const up = await waitForHttp(input.port, input.startTimeoutS * 1000, alive);
    if (!up) {
      const state = (
        await docker.run([
          'inspect',
          '-f',
          '{{.State.Running}} {{.State.ExitCode}}',
          input.container,
        ])
      ).stdout.trim();
      const logs = await docker.run(['logs', '--tail', '20', input.container]);
      const text = (logs.stdout + logs.stderr).trim();
      if (state.startsWith('false')) run.exitCode = Number(state.split(' ')[1]);
      run.error = `no HTTP answer on 127.0.0.1:${input.port}: ${text.split('\n').slice(-3).join(' | ')}`;
      return run;
    }
    for (const p of input.paths) {
      try {
        run.responses.push(await get(input.port, p));
      } catch (e) {
        run.responses.push({ status: 0, body: `request failed: ${(e as Error).message}` });
      }
    }
    const top = await docker.run(['top', input.container, '-o', 'pid,uid']);
    run.uids = [
      ...new Set(
        top.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.trim().split(/\s+/)[1])
          .filter(Boolean),
      ),
    ];
    return run;
  } finally {
    await docker.run(['stop', '-t', '3', input.container]);
    const traced = await tracer.trace(id, workdir);
    await docker.run(['rm', '-f', input.container]);
    if ('trace' in traced) run.trace = traced.trace;
    else
      run.traceError = run.error?.startsWith('docker start failed')
        ? 'the container did not start, so nothing ran'
        : traced.error;
  }
}
