// One case of the trial, end to end: lay out the repository at its commit, run the tool in it as a
// user would, build the original and the rewrite with Docker (offline stand-ins for base images
// this machine cannot pull), run both, and compare what they do.
import { execFile, execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { Docker } from '../../src/verify/docker';
import { ObserveSupport, startTracer, Tracer } from '../../src/verify/observe';
import type { Trace } from '../../src/verify/trace';
import { observeCase } from './observe-case';
import { fileSizeInImage, imageSize, lowPortBindFailure } from '../../src/verify/verify';
import {
  BuildOutcome,
  caseId,
  mirrorCandidates,
  Outcome,
  RunOutcome,
  ToolOutcome,
  TrialCase,
  TrialRow,
} from './cases';
import {
  BODY_UNSTABLE,
  bodiesVaryingBetweenBuilds,
  bodyDifferences,
  byStatusOn,
  compareRuns,
  comparisonNetwork,
  describeRun,
} from './compare';
import {
  bodyDigest,
  classifyBuildFailure,
  lastLogLine,
  missingTagFailure,
  programOutput,
  stripBuildNoise,
} from './classify';
import { fromImages, normalizeImage, standInFor, withoutSyntaxDirective } from './stand-ins';

export interface TrialSettings {
  /** Where fetched repositories are: `<mirrors>/<owner>+<name>/repo` (a git directory). */
  mirrors: string;
  /** A scratch folder for the laid-out repositories and logs. */
  work: string;
  /** The tool's entry script (bin/dockerize-slim.js of this checkout by default). */
  tool: string;
  /** null: run the tool only. */
  docker: Docker | null;
  /** Images present on this machine (`repo:tag`). */
  available: Set<string>;
  /** Tags this run made from stand-ins (removed at the end). */
  tagged: Set<string>;
  startTimeoutS: number;
  buildTimeoutMs: number;
  keepImages: boolean;
  /** --observe: the original's first run is traced (verify --observe's way), or why it cannot be. */
  observe?: ObserveSupport | null;
  log(line: string): void;
}

/** HTTP paths asked of both images: the root, two common API paths and one that should not exist. */
export const PROBE_PATHS = ['/', '/api', '/health', '/dockerize-slim-trial-missing'];

export async function runCase(c: TrialCase, s: TrialSettings): Promise<TrialRow> {
  const row: TrialRow = {
    repo: c.repo,
    commit: c.commit,
    dockerfile: c.dockerfile,
    ...(c.lang ? { lang: c.lang } : {}),
    tool: null,
    outcome: 'not-run',
    detail: '',
  };
  const id = caseId(c);
  const dir = path.join(s.work, id);
  const logFile = path.join(dir, 'trial.log');
  const gitDir = findGitDir(c, s.mirrors);
  if (gitDir === null) {
    row.outcome = 'not-on-disk';
    row.detail = `no git directory for ${c.repo} with commit ${c.commit} under ${s.mirrors}`;
    return row;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const orig = path.join(dir, 'original');
  const after = path.join(dir, 'rewrite');
  let absent: string[] = [];
  for (const d of [orig, after]) absent = layOut(gitDir, c.commit, d);
  fs.writeFileSync(logFile, `${c.repo} ${c.commit} ${c.dockerfile}\n`);
  const adjustments = new Set<string>();
  if (absent.length > 0)
    adjustments.add(
      `left out, not in the snapshot (files of 4 MiB and more): ${absent.slice(0, 5).join(', ')}${absent.length > 5 ? ` and ${absent.length - 5} more` : ''}`,
    );
  if (adjustments.size > 0) row.adjustments = [...adjustments];
  const log = (text: string) =>
    fs.appendFileSync(logFile, text.endsWith('\n') ? text : text + '\n');

  if (!fs.existsSync(path.join(orig, c.dockerfile))) {
    row.outcome = 'not-on-disk';
    row.detail = `${c.dockerfile} is not in ${c.repo} at ${c.commit}`;
    return row;
  }
  const tool = await runTool(c, after, s.tool, log);
  row.tool = tool;
  if (tool.status === 'error') {
    row.outcome = 'tool-error';
    row.detail = tool.error ?? 'error';
    return row;
  }
  if (s.docker === null) {
    row.outcome = tool.status === 'changed' ? 'not-run' : tool.status;
    row.detail = tool.skip ? `${tool.skip.rule}: ${tool.skip.reason}` : '';
    return row;
  }
  const docker = s.docker;
  const contextRel = tool.context ?? path.posix.dirname(c.dockerfile);
  const dockerfiles = {
    original: path.join(orig, c.dockerfile),
    rewrite: path.join(after, c.dockerfile),
  };
  for (const f of Object.values(dockerfiles)) {
    const adjusted = withoutSyntaxDirective(fs.readFileSync(f, 'utf8'));
    if (adjusted.removed) {
      fs.writeFileSync(f, adjusted.text);
      adjustments.add('# syntax= line removed (its frontend image cannot be pulled here)');
    }
  }
  if (adjustments.size > 0) row.adjustments = [...adjustments];
  const imagesOf = {
    original: fromImages(fs.readFileSync(dockerfiles.original, 'utf8')),
    rewrite:
      tool.status === 'changed' ? fromImages(fs.readFileSync(dockerfiles.rewrite, 'utf8')) : [],
  };
  const images = [...imagesOf.original, ...imagesOf.rewrite];
  const standIns: Record<string, string> = {};
  for (const image of [...new Set(images)].sort()) {
    const name = image.replace(/@sha256:[0-9a-f]{64}$/, '');
    const tagName = name.includes(':') || name.includes('@') ? name : `${name}:latest`;
    if (s.available.has(normalizeImage(tagName)) || s.tagged.has(tagName)) {
      if (s.tagged.has(tagName)) standIns[image] = standInNote(image, s.available);
      continue;
    }
    const standIn = standInFor(image, s.available);
    if (!standIn || image.includes('@')) continue;
    const tagged = await docker.run(['tag', standIn.image, tagName]);
    if (tagged.code === 0) {
      s.tagged.add(tagName);
      standIns[image] = standInNote(image, s.available);
    }
  }
  if (Object.keys(standIns).length > 0) row.standIns = standIns;

  const tags = {
    original: `${id}:original`,
    rewrite: `${id}:rewrite`,
    originalAgain: `${id}:original-again`,
    fixed: `${id}:observed`,
  };
  // A tag the image never had fails at the pull on any machine: no build is tried, so that no
  // stand-in can make it pass.
  const missingTag = {
    original: missingTagFailure(imagesOf.original),
    rewrite: missingTagFailure(imagesOf.rewrite),
  };
  try {
    const ob: BuildOutcome = missingTag.original
      ? { ok: false, failure: missingTag.original }
      : await build(
          docker,
          dockerfiles.original,
          path.join(orig, contextRel),
          tags.original,
          s,
          log,
        );
    row.original = { build: ob };
    if (!ob.ok) {
      row.outcome =
        tool.status === 'changed' ? 'original-does-not-build' : (tool.status as Outcome);
      row.detail = `${ob.failure!.class}: ${ob.failure!.detail}`;
      if (tool.skip)
        row.detail = `${tool.skip.rule}; the original does not build here (${row.detail})`;
      return row;
    }
    // --observe: the original's first run is traced from its first instruction.
    const traced: { trace?: Trace; error?: string } = {};
    let or = await runImage(docker, tags.original, `${id}-original`, 'host', s, log, traced);
    // With --observe: what the original's traced run needed, against the rewrite (and fed back).
    const observe = (original: typeof or, network: 'host' | 'netns', feedback = true) =>
      s.observe === undefined
        ? undefined
        : observeCase(c, row, traced, {
            docker,
            settings: s,
            dirs: { original: orig, rewrite: after, context: contextRel },
            tags,
            id,
            original,
            network,
            runImage: (tag, name, net) => runImage(docker, tag, name, net, s, log),
            log,
            ...(feedback ? {} : { feedback: false }),
          });
    if (or.state === 'low-port-denied')
      or = await runImage(docker, tags.original, `${id}-original`, 'netns', s, log);
    row.original.run = or;
    if (tool.status !== 'changed') {
      row.outcome = tool.status as Outcome;
      row.detail = `${tool.skip ? tool.skip.rule + '; ' : ''}the original ${describeRun(or)}`;
      return row;
    }
    const rb: BuildOutcome = missingTag.rewrite
      ? { ok: false, failure: missingTag.rewrite }
      : await build(
          docker,
          dockerfiles.rewrite,
          path.join(after, contextRel),
          tags.rewrite,
          s,
          log,
        );
    row.rewrite = { build: rb };
    if (
      rb.ok &&
      tool.program &&
      tool.finalImage &&
      tool.edits.some((e) => /^go\/[a-z]+-final-stage$/.test(e))
    ) {
      const binary = await fileSizeInImage(docker, tags.rewrite, tool.program);
      const base = await imageSize(docker, tool.finalImage);
      if (binary !== null && base !== null) {
        rb.binaryMB = Math.round(binary / 1e5) / 10;
        rb.baseMB = Math.round(base / 1e5) / 10;
      }
    }
    if (!rb.ok) {
      // An original that fails when it starts (go run fetching modules with no network) says
      // nothing about a rewrite that meets the same failure at build time instead.
      const failedAtStart = or.state === 'exits' && or.exitCode !== 0;
      row.outcome = failedAtStart ? 'original-does-not-start' : 'broke-build';
      row.detail = failedAtStart
        ? `the original exits (${or.exitCode}): ${or.log ?? ''}; the rewrite does not build here (${rb.failure!.class})`
        : `${rb.failure!.class}: ${rb.failure!.detail}`;
      return row;
    }
    if (or.state === 'exits') {
      const rr = await runImage(docker, tags.rewrite, `${id}-rewrite`, 'host', s, log);
      row.rewrite.run = rr;
      const alike = rr.state === 'exits' && rr.exitCode === or.exitCode && rr.output === or.output;
      if (or.exitCode === 0) {
        // A program that does its work and exits: its exit code and output are what it does.
        row.outcome = alike ? 'same' : 'broke-answers';
        row.detail = alike
          ? 'both run to completion with exit code 0 and the same output'
          : `the original exits 0; the rewrite ${rr.state === 'exits' ? `exits ${rr.exitCode}${rr.exitCode === 0 ? ' with other output' : `: ${rr.log ?? ''}`}` : 'does not exit'}`;
        row.observation = await observe(or, 'host');
        return row;
      }
      row.outcome = 'original-does-not-start';
      row.detail = `the original exits (${or.exitCode}): ${or.log ?? ''}${alike ? '; the rewrite exits the same way' : ''}`;
      // What it did until it stopped, against the rewrite; nothing to feed back and compare.
      row.observation = await observe(or, 'host', false);
      return row;
    }
    // Where the two are compared is decided from the original alone: a rewrite denied its low
    // port under host networking may exit 0 without a word (a Go server that ignores
    // ListenAndServe's error), so its output cannot be what decides.
    const network = comparisonNetwork(or);
    if (network === 'netns' && !or.netns) {
      const inNamespace = await runImage(docker, tags.original, `${id}-original`, 'netns', s, log);
      if (inNamespace.state !== 'answers' || inNamespace.port !== or.port) {
        row.outcome = 'original-does-not-answer';
        row.detail = `the original answers on port ${or.port} with host networking; in a private network namespace it ${describeRun(inNamespace)}`;
        return row;
      }
      or = inNamespace;
      row.original.run = or;
    }
    let rr = await runImage(docker, tags.rewrite, `${id}-rewrite`, network, s, log);
    row.rewrite.run = rr;
    let verdict = compareRuns(or, rr);
    if (!verdict.same && bodyDifferences(or, rr).length > 0) {
      // Other bodies with the same status may be the build's own doing (SvelteKit stamps the
      // build time into every page): the original is built again without cache and run, and a
      // body that differs between its two builds is compared by status.
      const again = await build(
        docker,
        dockerfiles.original,
        path.join(orig, contextRel),
        tags.originalAgain,
        s,
        log,
        { noCache: true },
      );
      const againRun = again.ok
        ? await runImage(docker, tags.originalAgain, `${id}-original-again`, network, s, log)
        : undefined;
      const bodiesVary = againRun ? bodiesVaryingBetweenBuilds(or, againRun) : [];
      row.original.rebuilt = {
        ok: again.ok,
        ...(again.failure ? { failure: again.failure } : {}),
        ...(againRun ? { state: againRun.state } : {}),
        bodiesVary,
      };
      if (bodiesVary.length > 0) {
        or = byStatusOn(or, bodiesVary);
        rr = byStatusOn(rr, bodiesVary);
        row.original.run = or;
        row.rewrite.run = rr;
        verdict = compareRuns(or, rr);
      }
    }
    row.outcome = verdict.same
      ? network === 'netns'
        ? 'low-port-denied-same'
        : 'same'
      : verdict.outcome;
    row.detail = verdict.detail;
    row.observation = await observe(or, network);
    return row;
  } finally {
    if (!s.keepImages)
      await docker.run(['rmi', '-f', tags.original, tags.rewrite, tags.originalAgain, tags.fixed]);
    // The rewrite's builder reuses the original's cached steps; after the case the cache goes.
    await docker.run(['builder', 'prune', '-af']);
  }
}

function standInNote(image: string, available: Set<string>): string {
  const s = standInFor(image, available);
  return s ? `${s.image}${s.note ? ` (${s.note})` : ''}` : '?';
}

function findGitDir(c: TrialCase, mirrors: string): string | null {
  for (const dir of mirrorCandidates(mirrors, c.repo)) {
    if (!fs.existsSync(dir)) continue;
    try {
      execFileSync('git', ['--git-dir', dir, 'cat-file', '-e', `${c.commit}^{commit}`], {
        stdio: 'ignore',
      });
      return dir;
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * The repository's files at the commit, as a user's clone has them (no .git, no submodules).
 * Snapshots leave out files of 4 MiB and more: those are left out here too, and listed.
 */
function layOut(gitDir: string, commit: string, dest: string): string[] {
  fs.mkdirSync(dest, { recursive: true });
  const git = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      env: { ...process.env, ...env },
      input,
      maxBuffer: 1 << 28,
    }).toString();
  const entries = git(['ls-tree', '-r', '-z', '--full-tree', commit])
    .split('\0')
    .filter(Boolean)
    .map((e) => {
      const [meta, file] = e.split('\t');
      const [mode, type, sha] = meta.split(' ');
      return { mode, type, sha, file };
    })
    .filter((e) => e.type === 'blob');
  const check = git(['cat-file', '--batch-check'], {}, entries.map((e) => e.sha).join('\n') + '\n');
  const missing = new Set(
    check
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  let treeish = commit;
  const absent = entries.filter((e) => missing.has(e.sha)).map((e) => e.file);
  if (absent.length > 0) {
    // A tree without them, written to a scratch object store so the mirror is left as it was.
    const scratch = fs.mkdtempSync(path.join(path.dirname(dest), 'objects-'));
    const env = {
      GIT_INDEX_FILE: path.join(scratch, 'index'),
      GIT_OBJECT_DIRECTORY: scratch,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(gitDir, 'objects'),
    };
    git(['read-tree', commit], env);
    git(['update-index', '--force-remove', '-z', '--stdin'], env, absent.join('\0') + '\0');
    treeish = git(['write-tree'], env).trim();
    execFileSync(
      'sh',
      ['-c', 'git --git-dir="$1" archive "$2" | tar -x -C "$3"', 'sh', gitDir, treeish, dest],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    fs.rmSync(scratch, { recursive: true, force: true });
    return absent;
  }
  execFileSync(
    'sh',
    ['-c', 'git --git-dir="$1" archive "$2" | tar -x -C "$3"', 'sh', gitDir, treeish, dest],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return [];
}

function runTool(
  c: TrialCase,
  repoDir: string,
  tool: string,
  log: (t: string) => void,
): Promise<ToolOutcome> {
  const args = [tool, '--write', '--format', 'json', '--no-color', ...(c.args ?? []), c.dockerfile];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: repoDir, maxBuffer: 1 << 26, env: { ...process.env, CI: '1', NO_COLOR: '1' } },
      (_err, stdout, stderr) => {
        log(`$ dockerize-slim ${args.slice(1).join(' ')}\n${stderr}`);
        let doc: { files?: Array<Record<string, unknown>> };
        try {
          doc = JSON.parse(stdout);
        } catch {
          resolve({
            status: 'error',
            error: `no JSON from the tool: ${stderr.trim().split('\n').pop()}`,
            edits: [],
            warnings: [],
          });
          return;
        }
        const f = doc.files?.[0] as
          | {
              status: ToolOutcome['status'];
              target: string | null;
              finalImage: string | null;
              context?: string;
              skipped: { rule: string; class: string; reason: string } | null;
              error: { code: string; message: string } | null;
              edits: Array<{ rule: string }>;
              warnings: Array<{ rule: string }>;
              contract: { after: { argv: string[] | null } } | null;
              runtimeFolders?: Array<{ files: number; undetected: number }>;
            }
          | undefined;
        if (!f) {
          resolve({
            status: 'error',
            error: 'the tool found no Dockerfile',
            edits: [],
            warnings: [],
          });
          return;
        }
        resolve({
          status: f.status,
          ...(f.target ? { target: f.target } : {}),
          ...(f.finalImage ? { finalImage: f.finalImage } : {}),
          ...(f.context !== undefined ? { context: f.context } : {}),
          ...(f.skipped
            ? { skip: { rule: f.skipped.rule, class: f.skipped.class, reason: f.skipped.reason } }
            : {}),
          ...(f.error ? { error: `${f.error.code}: ${f.error.message}` } : {}),
          edits: f.edits.map((e) => e.rule),
          warnings: f.warnings.map((w) => w.rule),
          ...(f.contract?.after.argv?.[0] ? { program: f.contract.after.argv[0] } : {}),
          ...(f.runtimeFolders && f.runtimeFolders.length > 0
            ? {
                keptFiles: f.runtimeFolders.reduce((n, r) => n + r.files, 0),
                undetectedFiles: f.runtimeFolders.reduce((n, r) => n + r.undetected, 0),
              }
            : {}),
        });
      },
    );
  });
}

async function build(
  docker: Docker,
  dockerfile: string,
  context: string,
  tag: string,
  s: TrialSettings,
  log: (t: string) => void,
  { noCache = false }: { noCache?: boolean } = {},
): Promise<BuildOutcome> {
  const r = await docker.run(
    [
      'build',
      '--network',
      'host',
      '--progress',
      'plain',
      ...(noCache ? ['--no-cache'] : []),
      '-f',
      dockerfile,
      '-t',
      tag,
      context,
    ],
    { timeoutMs: s.buildTimeoutMs },
  );
  log(
    `$ docker build ${path.relative(s.work, dockerfile)} (exit ${r.code})\n${r.stderr.split('\n').slice(-40).join('\n')}`,
  );
  if (r.code !== 0) {
    const failure =
      r.code === 137 && r.stderr.length > 0 && !/exit code/.test(r.stderr)
        ? { class: 'timeout', detail: `no result within ${s.buildTimeoutMs / 60000} minutes` }
        : classifyBuildFailure(r.stderr);
    return { ok: false, failure };
  }
  const size = await docker.run(['image', 'inspect', '-f', '{{.Size}}', tag]);
  return { ok: true, sizeMB: Math.round(Number(size.stdout.trim()) / 1e5) / 10 };
}

/**
 * Starts the image and watches it: the ports its processes listen on (read from /proc, so any
 * port is found, EXPOSEd or not), whether it exits, and the answers to PROBE_PATHS, asked twice
 * (an answer that changes between the two asks is marked unstable and compared by status only).
 * `netns`: a private network namespace where non-root processes may bind ports below 1024, as
 * on Docker's default bridge; probes enter it with nsenter and still go to 127.0.0.1 only.
 */
async function runImage(
  docker: Docker,
  tag: string,
  name: string,
  mode: 'host' | 'netns',
  s: TrialSettings,
  log: (t: string) => void,
  traced?: { trace?: Trace; error?: string },
): Promise<RunOutcome> {
  await docker.run(['rm', '-f', name]);
  const net =
    mode === 'host'
      ? ['--network', 'host']
      : ['--network', 'none', '--sysctl', 'net.ipv4.ip_unprivileged_port_start=0'];
  // Traced: created, strace attached to containerd, then started (src/verify/observe.ts).
  let tracer: Tracer | null = null;
  let traceDir: string | null = null;
  let started: Awaited<ReturnType<Docker['run']>>;
  if (traced && s.observe?.ok) {
    const created = await docker.run(['create', '--name', name, ...net, tag]);
    if (created.code === 0) {
      traceDir = fs.mkdtempSync(path.join(s.work, 'trace-'));
      tracer = await startTracer(s.observe, traceDir, s.startTimeoutS + 120);
      started = await docker.run(['start', name]);
      if (started.code === 0) started = { ...started, stdout: created.stdout };
    } else started = created;
  } else started = await docker.run(['run', '-d', '--name', name, ...net, tag]);
  const result = (o: RunOutcome): RunOutcome => (mode === 'netns' ? { ...o, netns: true } : o);
  try {
    if (started.code !== 0)
      return result({
        state: 'exits',
        exitCode: 127,
        log: lastLogLine(stripBuildNoise(started.stderr)),
      });
    const deadline = Date.now() + s.startTimeoutS * 1000;
    let ports: number[] = [];
    let pid: number | null = null;
    for (;;) {
      const state = (
        await docker.run([
          'inspect',
          '-f',
          '{{.State.Running}} {{.State.ExitCode}} {{.State.Pid}}',
          name,
        ])
      ).stdout
        .trim()
        .split(' ');
      if (state[0] !== 'true') {
        const logs = await docker.run(['logs', name]);
        const text = (logs.stdout + logs.stderr).split('\n').slice(-200).join('\n');
        log(`$ docker run ${tag} (${mode}): exited ${state[1]}\n${text}`);
        if (lowPortBindFailure(text) !== null)
          return result({
            state: 'low-port-denied',
            exitCode: Number(state[1]),
            log: lastLogLine(text),
          });
        return result({
          state: 'exits',
          exitCode: Number(state[1]),
          log: lastLogLine(text),
          output: bodyDigest(programOutput(logs.stdout)),
        });
      }
      pid = Number(state[2]);
      ports = listeningPorts(await containerPids(docker, name));
      if (ports.length > 0 || Date.now() > deadline) break;
      await sleep(500);
    }
    const uids = await containerUids(docker, name);
    if (ports.length === 0) {
      const logs = await docker.run(['logs', '--tail', '30', name]);
      log(`$ docker run ${tag} (${mode}): up, listening on nothing\n${logs.stdout}${logs.stderr}`);
      return result({ state: 'up', uids });
    }
    const port = ports[0];
    await sleep(1000);
    let first: ReturnType<typeof probe>;
    let second: ReturnType<typeof probe>;
    try {
      first = probe(pid!, port);
      second = probe(pid!, port);
    } catch {
      // The process went away while being asked (it listened, then exited): judged as exited.
      const state = await docker.run(['inspect', '-f', '{{.State.ExitCode}}', name]);
      const logs = await docker.run(['logs', name]);
      const text = (logs.stdout + logs.stderr).split('\n').slice(-200).join('\n');
      return result({
        state: 'exits',
        exitCode: Number(state.stdout.trim()),
        log: lastLogLine(text),
        output: bodyDigest(programOutput(logs.stdout)),
      });
    }
    const answers = first.map((a, i) => ({
      path: a.path,
      status: a.status,
      body:
        second[i].status === a.status && bodyDigest(second[i].body) === bodyDigest(a.body)
          ? bodyDigest(a.body)
          : BODY_UNSTABLE,
    }));
    log(
      `$ docker run ${tag} (${mode}): listens on ${ports.join(', ')}; ${answers.map((a) => `${a.path} ${a.status}`).join(', ')}`,
    );
    return result({ state: 'answers', port, answers, uids });
  } finally {
    if (tracer && traced) {
      await docker.run(['stop', '-t', '3', name]);
      const workdir =
        (
          await docker.run(['image', 'inspect', '-f', '{{.Config.WorkingDir}}', tag])
        ).stdout.trim() || '/';
      const id = (await docker.run(['inspect', '-f', '{{.Id}}', name])).stdout.trim();
      const got = tracer.error ? { error: tracer.error } : await tracer.trace(id, workdir);
      if ('trace' in got) traced.trace = got.trace;
      else traced.error = got.error;
    } else if (traced && s.observe && !s.observe.ok) traced.error = s.observe.why;
    if (traceDir) fs.rmSync(traceDir, { recursive: true, force: true });
    await docker.run(['rm', '-f', name]);
  }
}

async function containerPids(docker: Docker, name: string): Promise<number[]> {
  const top = await docker.run(['top', name, '-o', 'pid']);
  return top.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map(Number)
    .filter((n) => n > 0);
}

async function containerUids(docker: Docker, name: string): Promise<string[]> {
  const top = await docker.run(['top', name, '-o', 'uid']);
  return [
    ...new Set(
      top.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ].sort();
}

/** TCP ports in LISTEN state whose sockets the processes hold, from their own /proc views. */
export function listeningPorts(pids: number[]): number[] {
  const ports = new Set<number>();
  for (const pid of pids) {
    const inodes = new Set<string>();
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]);
        } catch {
          continue;
        }
      }
      for (const table of ['tcp', 'tcp6']) {
        const text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
        for (const line of text.split('\n').slice(1)) {
          const cols = line.trim().split(/\s+/);
          if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue;
          ports.add(parseInt(cols[1].split(':')[1], 16));
        }
      }
    } catch {
      continue;
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** GETs each probe path on 127.0.0.1 inside the process's network namespace. */
function probe(pid: number, port: number): Array<{ path: string; status: number; body: string }> {
  const script = `
const http = require('http');
const [port, ...paths] = process.argv.slice(1);
const get = (p) => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port: Number(port), path: p, timeout: 5000, headers: { connection: 'close' } }, (res) => {
    let body = ''; res.setEncoding('utf8'); res.on('data', (d) => { if (body.length < 1e6) body += d; });
    res.on('end', () => resolve({ path: p, status: res.statusCode, body }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => resolve({ path: p, status: 0, body: e.code || e.message }));
});
(async () => { const out = []; for (const p of paths) out.push(await get(p)); process.stdout.write(JSON.stringify(out)); })();`;
  const out = execFileSync(
    'nsenter',
    ['-t', String(pid), '-n', '--', process.execPath, '-e', script, String(port), ...PROBE_PATHS],
    { maxBuffer: 1 << 26, timeout: 60_000 },
  );
  return JSON.parse(out.toString()) as Array<{ path: string; status: number; body: string }>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
