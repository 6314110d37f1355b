import fs from 'fs';
import path from 'path';
import type { NewFile } from '../types';
import { Docker, hasShell } from './docker';
import { ImageIndex, ImageIndexScanner, IndexOptions, resolveImageUser } from './image-index';
import { observe, Observation } from './observation';
import { checkObservation, ObservationRow, RewriteFacts } from './observe-check';
import { ObserveSupport, runObserved } from './observe';
import { get, Response, waitForHttp } from './probe';
import { PackageCount, resolveUid, Surface, SurfaceScanner } from './surface';
import type { ObservedNeeds } from '../types';

export interface VerifyInput {
  /** Image and container name prefix (lowercase). */
  name: string;
  contextDir: string;
  dockerfilePath: string;
  rewritten: string;
  newFiles: NewFile[];
  port: number;
  paths: string[];
  env: Record<string, string>;
  /** The final image promises no /bin/sh. */
  shellLess: boolean;
  network: 'host' | 'bridge';
  keep: boolean;
  /** An empty folder for the rewritten build context. */
  workDir: string;
  /** Seconds to wait for the app to answer. */
  startTimeoutS?: number;
  /** verify --observe: trace the original while it runs and check the rewrite against it. */
  observe?: ObserveRequest;
  /**
   * The original as a first round built, ran and observed it: a second round (the rewrite with
   * what observation found fed back) builds and runs only the rewrite.
   */
  original?: OriginalRun;
}

export interface ObserveRequest {
  support: ObserveSupport;
  /** What the check needs to know of the rewrite beyond its image. */
  facts: Omit<RewriteFacts, 'rewrite' | 'user' | 'original'>;
}

/** The original's build and run, kept for a second round. */
export interface OriginalRun {
  before: ImageReport;
  responses: Response[];
  observation: Observation | null;
  index: ImageIndex | null;
  /** Why there is no observation (--observe could not trace here). */
  skipped?: string;
}

/** What --observe saw the original do, and how the rewrite's image compares (schema: observation). */
export interface ObservationReport {
  /** Why the original was not observed; verify then ran as without --observe. */
  skipped?: string;
  /** The container's first program, and the process the rewrite's start command matches. */
  start?: string[] | null;
  app?: string[] | null;
  processes?: number;
  /** Calls whose paths the tracer could not read (> 0: needs may be missing from the table). */
  unreadable?: number;
  rows: ObservationRow[];
  mismatches: number;
  warnings: number;
  byKind: Partial<Record<string, number>>;
  /** What --write feeds back into the rewrite. */
  needs: ObservedNeeds | null;
  /** Mismatches nothing in the rewrite can fix, with the reason: the write is refused. */
  unfixable: string[];
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface LayerRow {
  size: string;
  createdBy: string;
}

/** What the image offers an attacker, measured from the image itself (docker export). */
export interface ImageSurface {
  packages: PackageCount;
  shells: string[];
  setuid: string[];
  setgid: string[];
  files: number;
}

export interface ImageReport {
  tag: string;
  sizeBytes: number;
  /** File-system layers (RootFS.Layers), the history rows that add content. */
  layers: number;
  history: LayerRow[];
  /** The configured USER (empty: root) and the uid it resolves to in the image's passwd. */
  user: string;
  uid: number | null;
  /** uids of the processes seen while it answered (docker top); absent when it did not run. */
  processUids?: string[];
  surface: ImageSurface | null;
  /** Why the surface could not be read, when it could not. */
  surfaceError?: string;
}

export interface VerifyReport {
  checks: Check[];
  before?: ImageReport;
  after?: ImageReport;
  /** verify --observe. */
  observation?: ObservationReport;
  /** Set when nothing can be claimed (the original does not build or run). */
  error?: string;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** Copies the build context without .git and node_modules, which no build context needs. */
export function copyContext(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(e.name)) continue;
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) copyContext(src, dst);
    else if (e.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else if (e.isFile()) fs.copyFileSync(src, dst);
  }
}

async function imageReport(
  docker: Docker,
  tag: string,
  indexOptions?: IndexOptions,
): Promise<{ report: ImageReport; index: ImageIndex | null }> {
  const inspect = await docker.run([
    'image',
    'inspect',
    '-f',
    '{{.Size}}\t{{len .RootFS.Layers}}\t{{.Config.User}}',
    tag,
  ]);
  const [size, layers, user = ''] = inspect.stdout.replace(/\n$/, '').split('\t');
  const history = await docker.run([
    'history',
    '--no-trunc',
    '--format',
    '{{.Size}}\t{{.CreatedBy}}',
    tag,
  ]);
  const { surface: scanned, index } = await scanImage(docker, tag, indexOptions);
  const report: ImageReport = {
    tag,
    sizeBytes: Number(size) || 0,
    layers: Number(layers) || 0,
    history: history.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [s, ...rest] = l.split('\t');
        return { size: s, createdBy: rest.join('\t').replace(/\s+/g, ' ').slice(0, 120) };
      }),
    user,
    uid: 'error' in scanned ? null : resolveUid(user, scanned.passwd),
    surface: 'error' in scanned ? null : withoutPasswd(scanned),
    ...('error' in scanned ? { surfaceError: scanned.error } : {}),
  };
  return { report, index };
}

/**
 * Streams the image's file system through the scanner from a container that never starts, and
 * through an index of every entry when observe needs one.
 */
async function scanImage(
  docker: Docker,
  tag: string,
  indexOptions?: IndexOptions,
): Promise<{ surface: Surface | { error: string }; index: ImageIndex | null }> {
  const created = await docker.run([
    'create',
    '--network',
    'none',
    '--entrypoint',
    '/dockerize-slim-never-runs',
    tag,
  ]);
  if (created.code !== 0)
    return {
      surface: { error: `docker create failed: ${lastLines(created.stderr)}` },
      index: null,
    };
  const id = created.stdout.trim();
  const scanner = new SurfaceScanner();
  const indexer = indexOptions ? new ImageIndexScanner(indexOptions) : null;
  const exported = await docker.stream(['export', id], (chunk) => {
    scanner.push(chunk);
    indexer?.push(chunk);
  });
  await docker.run(['rm', '-f', id]);
  if (exported.code !== 0)
    return {
      surface: { error: `docker export failed: ${lastLines(exported.stderr)}` },
      index: null,
    };
  return { surface: scanner.result(), index: indexer?.result() ?? null };
}

function withoutPasswd(s: Surface): ImageSurface {
  return {
    packages: s.packages,
    shells: s.shells,
    setuid: s.setuid,
    setgid: s.setgid,
    files: s.files,
  };
}

interface Running {
  responses: Response[];
  container: string;
  uids: string[];
  error?: string;
}

async function startAndProbe(
  docker: Docker,
  input: VerifyInput,
  tag: string,
  container: string,
): Promise<Running> {
  await docker.run(['rm', '-f', container]);
  const net =
    input.network === 'host'
      ? ['--network', 'host']
      : ['-p', `127.0.0.1:${input.port}:${input.port}`];
  const envArgs = Object.entries(input.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const started = await docker.run(['run', '-d', '--name', container, ...net, ...envArgs, tag]);
  if (started.code !== 0)
    return {
      responses: [],
      container,
      uids: [],
      error: `docker run failed: ${started.stderr.trim().split('\n').pop()}`,
    };
  const alive = async () =>
    (await docker.run(['inspect', '-f', '{{.State.Running}}', container])).stdout.trim() === 'true';
  const up = await waitForHttp(input.port, (input.startTimeoutS ?? 60) * 1000, alive);
  if (!up) {
    const logs = await docker.run(['logs', '--tail', '20', container]);
    const text = (logs.stdout + logs.stderr).trim();
    const denied = lowPortBindFailure(text);
    return {
      responses: [],
      container,
      uids: [],
      error:
        denied !== null
          ? `the app cannot bind port ${denied} as a non-root user (${input.network === 'host' ? 'host networking allows that only for root' : 'this runtime does not allow ports below 1024 for non-root users'}); it works on Docker's default bridge network, or move the app to a port above 1023 (rule common/low-port)`
          : `no HTTP answer on 127.0.0.1:${input.port}: ${text.split('\n').slice(-3).join(' | ')}`,
    };
  }
  const responses: Response[] = [];
  for (const p of input.paths) {
    try {
      responses.push(await get(input.port, p));
    } catch (e) {
      responses.push({ status: 0, body: `request failed: ${(e as Error).message}` });
    }
  }
  const top = await docker.run(['top', container, '-o', 'pid,uid']);
  const uids = top.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[1])
    .filter(Boolean);
  return { responses, container, uids: [...new Set(uids)] };
}

async function stopWithin(docker: Docker, container: string, limitS: number): Promise<Check> {
  const t0 = Date.now();
  await docker.run(['stop', '-t', String(limitS), container]);
  const elapsed = (Date.now() - t0) / 1000;
  const code = (
    await docker.run(['inspect', '-f', '{{.State.ExitCode}}', container])
  ).stdout.trim();
  const pass = elapsed < limitS && code !== '137';
  return {
    name: 'stops on SIGTERM',
    pass,
    detail: `stopped in ${elapsed.toFixed(1)} s, exit code ${code}`,
  };
}

/**
 * Builds the original and the rewrite, runs each, sends the same GETs to both on 127.0.0.1 and
 * checks the rewrite: same answers, non-root process, numeric USER, no shell where none is
 * promised, a clean stop on SIGTERM, and a smaller image. With `observe`, the original runs
 * traced from its first instruction and the rewrite's image is checked against what it did.
 */
export async function verifyRewrite(
  docker: Docker,
  input: VerifyInput,
  log: (line: string) => void = () => {},
  keepOriginal?: (original: OriginalRun) => void,
): Promise<VerifyReport> {
  const before = `${input.name}:before`;
  const after = `${input.name}:after`;
  const checks: Check[] = [];
  const observing = input.observe !== undefined;
  let beforeReport: ImageReport;
  let originalIndex: ImageIndex | null = null;
  if (input.original) {
    beforeReport = input.original.before;
    originalIndex = input.original.index;
  } else {
    log(`building the original (${before})`);
    const b1 = await docker.run([
      'build',
      '--network',
      'host',
      '-q',
      '-f',
      input.dockerfilePath,
      '-t',
      before,
      input.contextDir,
    ]);
    if (b1.code !== 0)
      return {
        checks,
        error: `the original Dockerfile does not build, so nothing can be compared: ${lastLines(b1.stderr)}`,
      };
    const scanned = await imageReport(docker, before, observing ? { packages: true } : undefined);
    beforeReport = scanned.report;
    originalIndex = scanned.index;
  }
  copyContext(input.contextDir, input.workDir);
  const rel = path.relative(input.contextDir, input.dockerfilePath);
  const newDockerfile = rel.startsWith('..')
    ? path.join(input.workDir, 'Dockerfile.dockerize-slim')
    : path.join(input.workDir, rel);
  fs.writeFileSync(newDockerfile, input.rewritten);
  for (const f of input.newFiles) fs.writeFileSync(path.join(input.workDir, f.path), f.content);
  log(`building the rewrite (${after})`);
  const b2 = await docker.run([
    'build',
    '--network',
    'host',
    '-q',
    '-f',
    newDockerfile,
    '-t',
    after,
    input.workDir,
  ]);
  checks.push({
    name: 'rewrite builds',
    pass: b2.code === 0,
    detail: b2.code === 0 ? 'docker build succeeded' : lastLines(b2.stderr),
  });
  const report: VerifyReport = { checks, before: beforeReport };
  if (b2.code !== 0) return finishCleanup(docker, input, report);
  const scannedAfter = await imageReport(docker, after, observing ? { heads: true } : undefined);
  report.after = scannedAfter.report;

  let r1: { responses: Response[]; uids: string[]; error?: string };
  let observation: Observation | null = null;
  let skipped: string | undefined;
  if (input.original) {
    r1 = { responses: input.original.responses, uids: input.original.before.processUids ?? [] };
    observation = input.original.observation;
    skipped = input.original.skipped;
  } else if (input.observe?.support.ok) {
    log('running the original, traced from its first instruction');
    const traceDir = fs.mkdtempSync(path.join(input.workDir, '..', 'dockerize-slim-trace-'));
    try {
      const o = await runObserved(
        docker,
        input.observe.support,
        {
          image: before,
          container: `${input.name}-before`,
          port: input.port,
          paths: input.paths,
          env: input.env,
          network: input.network,
          startTimeoutS: input.startTimeoutS ?? 60,
          workDir: traceDir,
        },
        log,
      );
      r1 = o;
      if (o.trace) observation = observe(o.trace, input.observe.facts.start);
      else skipped = o.traceError ?? 'nothing was traced';
    } finally {
      fs.rmSync(traceDir, { recursive: true, force: true });
    }
  } else {
    if (input.observe && !input.observe.support.ok) skipped = input.observe.support.why;
    log('running the original');
    const run = await startAndProbe(docker, input, before, `${input.name}-before`);
    await docker.run(['rm', '-f', run.container]);
    r1 = run;
  }
  if (!r1.error) report.before!.processUids = r1.uids;
  keepOriginal?.({
    before: report.before!,
    responses: r1.responses,
    observation,
    index: originalIndex,
    ...(skipped ? { skipped } : {}),
  });
  if (r1.error)
    return finishCleanup(docker, input, {
      ...report,
      error: `the original image does not answer, so nothing can be compared: ${r1.error}`,
    });
  log('running the rewrite');
  const r2 = await startAndProbe(docker, input, after, `${input.name}-after`);
  checks.push({
    name: 'rewrite answers',
    pass: !r2.error,
    detail: r2.error ?? `HTTP on 127.0.0.1:${input.port}`,
  });
  if (!r2.error) {
    const diffs = input.paths.filter(
      (_p, i) =>
        r1.responses[i].status !== r2.responses[i].status ||
        r1.responses[i].body !== r2.responses[i].body,
    );
    checks.push({
      name: 'same responses',
      pass: diffs.length === 0,
      detail:
        diffs.length === 0
          ? `${input.paths.length} paths: same status and body (${input.paths.join(', ')})`
          : `differ on ${diffs.map((p) => `${p} (${r1.responses[input.paths.indexOf(p)].status} vs ${r2.responses[input.paths.indexOf(p)].status})`).join(', ')}`,
    });
    report.after.processUids = r2.uids;
    checks.push({
      name: 'process runs as non-root',
      pass: r2.uids.length > 0 && r2.uids.every((u) => u !== '0' && u !== 'root'),
      detail: `uids: ${r2.uids.join(', ') || 'none seen'}`,
    });
  }
  const user = (
    await docker.run(['image', 'inspect', '-f', '{{.Config.User}}', after])
  ).stdout.trim();
  checks.push({
    name: 'numeric non-root USER',
    pass: /^[1-9]\d*(:\d+)?$/.test(user),
    detail: `USER ${user || '(none)'}`,
  });
  if (input.shellLess) {
    const shell = await hasShell(docker, after);
    const found = report.after.surface?.shells ?? [];
    checks.push({
      name: 'no shell',
      pass: !shell && found.length === 0,
      detail: [
        shell ? '/bin/sh ran' : '/bin/sh cannot start',
        found.length > 0 ? `shells in the file system: ${found.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  if (!r2.error) checks.push(await stopWithin(docker, r2.container, 10));
  await docker.run(['rm', '-f', r2.container]);
  const smaller = report.after.sizeBytes < report.before!.sizeBytes;
  checks.push({
    name: 'smaller image',
    pass: smaller,
    detail: `${mb(report.before!.sizeBytes)} MB -> ${mb(report.after.sizeBytes)} MB`,
  });
  if (input.observe) {
    report.observation = observationReport(
      observation,
      skipped,
      input.observe,
      scannedAfter.index,
      originalIndex,
      user,
    );
    if (report.observation.skipped === undefined) checks.push(observedCheck(report.observation));
  }
  return finishCleanup(docker, input, report);
}

function observationReport(
  observation: Observation | null,
  skipped: string | undefined,
  request: ObserveRequest,
  rewrite: ImageIndex | null,
  original: ImageIndex | null,
  configuredUser: string,
): ObservationReport {
  const empty = {
    rows: [],
    mismatches: 0,
    warnings: 0,
    byKind: {},
    needs: null,
    unfixable: [],
  };
  if (!observation) return { skipped: skipped ?? 'nothing was observed', ...empty };
  const user = rewrite ? resolveImageUser(rewrite, configuredUser) : null;
  if (!rewrite || !user)
    return {
      skipped: rewrite
        ? `the rewrite's USER ${configuredUser} is not in its /etc/passwd`
        : "the rewrite's file system could not be read",
      ...empty,
    };
  const c = checkObservation(observation, { ...request.facts, rewrite, user, original });
  return {
    start: observation.start.argv,
    app: observation.app?.argv ?? null,
    processes: observation.processes.length,
    ...(observation.unreadable > 0 ? { unreadable: observation.unreadable } : {}),
    rows: c.rows,
    mismatches: c.mismatches,
    warnings: c.warnings,
    byKind: c.byKind,
    needs: c.needs,
    unfixable: c.unfixable,
  };
}

function observedCheck(o: ObservationReport): Check {
  const kinds = Object.entries(o.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const fixable = o.mismatches - o.unfixable.length;
  return {
    name: 'observed needs',
    pass: o.mismatches === 0,
    detail:
      o.mismatches === 0
        ? `every need of the original's run is met (${o.rows.filter((r) => r.verdict === 'ok').length} rows${o.warnings > 0 ? `, ${o.warnings} warning(s)` : ''})`
        : `${o.mismatches} mismatch(es) (${kinds}): ${fixable > 0 ? `${fixable} fixable with --write` : 'none fixable'}${o.unfixable.length > 0 ? `; cannot fix: ${o.unfixable.join('; ')}` : ''}`,
  };
}

async function finishCleanup(
  docker: Docker,
  input: VerifyInput,
  report: VerifyReport,
): Promise<VerifyReport> {
  if (!input.keep) await docker.run(['rmi', '-f', `${input.name}:before`, `${input.name}:after`]);
  return report;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-4).join(' | ');
}

export function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** The port a log says the app was refused (`listen EACCES: permission denied 0.0.0.0:80`), if below 1024. */
export function lowPortBindFailure(logs: string): number | null {
  for (const line of logs.split('\n')) {
    if (!/EACCES|permission denied|operation not permitted/i.test(line)) continue;
    const m = /(?:[\w.\]\[]*):(\d{1,5})\b|\bport (\d{1,5})\b/i.exec(line);
    const port = m ? Number(m[1] ?? m[2]) : NaN;
    if (port > 0 && port < 1024) return port;
  }
  return null;
}

/** The size in bytes of one file in an image (read from `docker cp`'s tar header), or null. */
export async function fileSizeInImage(
  docker: Docker,
  image: string,
  file: string,
): Promise<number | null> {
  const created = await docker.run([
    'create',
    '--network',
    'none',
    image,
    '/dockerize-slim-never-runs',
  ]);
  if (created.code !== 0) return null;
  const id = created.stdout.trim();
  let header: Buffer | null = null;
  const copied = await docker.stream(['cp', '-L', `${id}:${file}`, '-'], (chunk) => {
    header =
      header === null ? chunk : header.length < 512 ? Buffer.concat([header, chunk]) : header;
  });
  await docker.run(['rm', '-f', id]);
  const h = header as Buffer | null;
  if (copied.code !== 0 || h === null || h.length < 136) return null;
  const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  return Number.isFinite(size) ? size : null;
}

/** An image's size in bytes, or null when it is not there. */
export async function imageSize(docker: Docker, image: string): Promise<number | null> {
  const r = await docker.run(['image', 'inspect', '-f', '{{.Size}}', image]);
  return r.code === 0 ? Number(r.stdout.trim()) || null : null;
}
