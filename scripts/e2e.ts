// The end-to-end suite (npm run e2e): every example with an e2e.json is rewritten, both images
// are built and run with the local Docker engine, and the rewrite is checked (see verifyRewrite).
// The base images the rewrites use are inspected against their contracts in templates/ first.
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { processIo } from '../src/cli/io';
import { processFile } from '../src/cli/process-file';
import { allTemplateIds, getTemplate, imageReference } from '../src/templates';
import { Docker, dockerCli, hasShell, pickDockerBinary } from '../src/verify/docker';
import { get, waitForHttp } from '../src/verify/probe';
import {
  Check,
  copyContext,
  fileSizeInImage,
  imageSize,
  ImageReport,
  mb,
  VerifyReport,
  verifyRewrite,
} from '../src/verify/verify';
import type { NewFile, TransformOptions } from '../src/types';

interface AppConfig {
  options?: TransformOptions;
  port: number;
  paths: string[];
  env?: Record<string, string>;
  /** Seconds to wait for both images to answer (dev servers compile first). */
  startTimeoutS?: number;
  /**
   * Base images the original names that no offline stand-in provides (node:12, ubuntu): tagged
   * from the image given, for this app's run only, and said so in the output.
   */
  standIns?: Record<string, string>;
  /**
   * Files a user makes on the host before building (a gitignored .env): absent when the tool
   * runs, written into the example for the builds, removed afterwards. The rewrite must also
   * build without them.
   */
  hostFiles?: Record<string, string>;
  /** "breaks": the same app rewritten with --minimal must not answer like the original. */
  minimal?: 'breaks';
  /**
   * The rule the tool must refuse this app with: a working app (the original builds and answers
   * every path below 500) that no final image of the tool's can run.
   */
  refused?: string;
  /**
   * An app whose static rewrite loses a need: README's verified recipe (verify --observe
   * --write) is run as written in a git repository made from the example, and must name each
   * of these (kind, path or program, the rule that dropped it) and commit a Dockerfile that
   * then passes the suite's checks on `paths`.
   */
  observe?: { lost: Array<{ kind: string; subject: string; rule: string }> };
}

/** The original alone: it builds, starts and answers each path with a status below 500. */
async function originalWorks(
  docker: Docker,
  app: string,
  dir: string,
  config: AppConfig,
): Promise<Check> {
  const tag = `dockerize-slim-e2e-${app}:before`;
  const name = `dockerize-slim-e2e-${app}-before`;
  const built = await docker.run(['build', '--network', 'host', '-q', '-t', tag, dir]);
  if (built.code !== 0)
    return {
      name: 'the original works',
      pass: false,
      detail: built.stderr.trim().split('\n').pop() ?? '',
    };
  try {
    await docker.run(['rm', '-f', name]);
    const run = await docker.run(['run', '-d', '--name', name, '--network', 'host', tag]);
    if (run.code !== 0)
      return { name: 'the original works', pass: false, detail: run.stderr.trim() };
    const alive = async () =>
      (await docker.run(['inspect', '-f', '{{.State.Running}}', name])).stdout.trim() === 'true';
    if (!(await waitForHttp(config.port, (config.startTimeoutS ?? 30) * 1000, alive)))
      return { name: 'the original works', pass: false, detail: 'it never answered' };
    const answers: string[] = [];
    for (const p of config.paths) {
      const r = await get(config.port, p);
      answers.push(`${p} ${r.status}`);
      if (r.status >= 500)
        return {
          name: 'the original works',
          pass: false,
          detail: `${p} answered ${r.status}: ${r.body.trim()}`,
        };
    }
    return { name: 'the original works', pass: true, detail: answers.join(', ') };
  } finally {
    await docker.run(['rm', '-f', name]);
    await docker.run(['rmi', '-f', tag]);
  }
}

/** README's per-repository command of the verified recipe, between its markers. */
function recipeCommand(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m =
    /<!-- verified-recipe:start -->\s*```sh\n([^\n]+)\n```\s*<!-- verified-recipe:end -->/.exec(
      readme,
    );
  if (!m) throw new Error('README.md has no verified recipe between its markers');
  const command = m[1].trim();
  // The drivers' examples must run the same command.
  if (!readme.includes(`multi-gitter run "${command}"`) || !readme.includes(`sh -c '${command} &&`))
    throw new Error(`README.md's multi-gitter and turbolift examples do not run "${command}"`);
  return command;
}

/**
 * Runs the verified recipe as a bulk driver would: a git repository made from the example, the
 * README's command in it (this checkout's CLI for the published package), and a commit when it
 * exits 0. Returns the checks and the committed Dockerfile.
 */
function runRecipe(
  app: string,
  dir: string,
  config: AppConfig,
): { checks: Check[]; committed: string | null } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), `dockerize-slim-recipe-${app}-`));
  const checks: Check[] = [];
  try {
    copyContext(dir, repo);
    fs.rmSync(path.join(repo, 'e2e.json'));
    const env = {
      ...process.env,
      NO_COLOR: '1',
      GIT_AUTHOR_NAME: 'e2e',
      GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
      GIT_COMMITTER_NAME: 'e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
    };
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', repo, ...args], { env, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'the app as it is');
    const command = recipeCommand().replace(
      /^npx --yes dockerize-slim@\S+/,
      `node ${JSON.stringify(path.join(ROOT, 'bin', 'dockerize-slim.js'))}`,
    );
    console.log(`  ${app}: $ ${command}   (in a git repository made from examples/${app})`);
    const run = spawnSync('sh', ['-c', command], {
      cwd: repo,
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const out = run.stdout ?? '';
    if (run.status === 0) {
      git('add', '-A');
      git('commit', '-q', '-m', 'Multi-stage, non-root Dockerfiles, verified (dockerize-slim)');
    }
    const committed = git('rev-list', '--count', 'HEAD').stdout.trim() === '2';
    const changed = git('diff', '--name-only', 'HEAD~1', 'HEAD').stdout.trim();
    checks.push({
      name: 'the verified recipe exits 0 and the driver commits the Dockerfile',
      pass: run.status === 0 && committed && changed === 'Dockerfile',
      detail:
        run.status === 0
          ? `exit 0; committed: ${changed || 'nothing'}`
          : `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`,
    });
    for (const lost of config.observe!.lost) {
      const row = new RegExp(
        `^ {4}${lost.kind} +${lost.subject.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} .*MISMATCH$`,
        'm',
      ).test(out);
      const rule =
        out.includes(`      ${lost.subject}: `) && out.includes(`dropped by ${lost.rule}`);
      checks.push({
        name: `observe names the lost need: ${lost.kind} ${lost.subject} (${lost.rule})`,
        pass: row && rule,
        detail: row && rule ? 'named, with the rule that dropped it' : 'not in the output',
      });
    }
    const fed =
      /observation fed back into the rewrite:\n {2}\* common\/observed-needs: from observation/.test(
        out,
      );
    checks.push({
      name: 'what was missing is fed back and the rewrite with it passes every check',
      pass: fed && /pass observed needs: every need of the original's run is met/.test(out),
      detail: fed ? 'fed back; every observed need met' : 'nothing was fed back',
    });
    for (const line of out.split('\n').filter((l) => /MISMATCH|common\/observed-needs/.test(l)))
      console.log(`  ${app}:   ${line.trim()}`);
    return {
      checks,
      committed: committed ? fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8') : null,
    };
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}

/**
 * A Go rewrite's size against what it cannot do without: the final image with nothing but the
 * program (base image + binary), next to the original and the rewrite; and how many files the
 * default kept that detection alone would have dropped.
 */
interface GoSizes {
  beforeMB: number;
  afterMB: number;
  binaryMB: number;
  baseMB: number;
  /** Files of the context the runtime folders keep, and those detection did not name. */
  keptFiles: number;
  undetectedFiles: number;
}

async function measureGo(
  docker: Docker,
  name: string,
  r: NonNullable<ReturnType<typeof processFile>['result']>,
  report: VerifyReport,
): Promise<GoSizes | undefined> {
  const program = r.contract?.after.argv?.[0];
  if (!program || !r.finalImage || !report.before || !report.after) return undefined;
  const binary = await fileSizeInImage(docker, `${name}:after`, program);
  const base = await imageSize(docker, r.finalImage);
  if (binary === null || base === null) return undefined;
  const round = (b: number) => Math.round(b / 1e5) / 10;
  return {
    beforeMB: round(report.before.sizeBytes),
    afterMB: round(report.after.sizeBytes),
    binaryMB: round(binary),
    baseMB: round(base),
    keptFiles: (r.runtimeFolders ?? []).reduce((n, f) => n + f.files, 0),
    undetectedFiles: (r.runtimeFolders ?? []).reduce((n, f) => n + f.undetected, 0),
  };
}

function describeGoSizes(g: GoSizes): string {
  const pct = (a: number, b: number) => `${(100 * (1 - a / b)).toFixed(1)}%`;
  return `${g.beforeMB} MB -> ${g.afterMB} MB (${pct(g.afterMB, g.beforeMB)} smaller); binary + base ${g.binaryMB} + ${g.baseMB} = ${(g.binaryMB + g.baseMB).toFixed(1)} MB (${pct(g.binaryMB + g.baseMB, g.beforeMB)}); runtime folders keep ${g.keptFiles} files, ${g.undetectedFiles} of them not named by detection`;
}

/** Writes the host-made files into the example, runs `work`, and removes them again. */
async function withHostFiles<T>(
  dir: string,
  files: Record<string, string>,
  work: () => Promise<T>,
): Promise<T> {
  const written = Object.keys(files).map((f) => path.join(dir, f));
  Object.entries(files).forEach(([f, text]) => fs.writeFileSync(path.join(dir, f), text));
  try {
    return await work();
  } finally {
    for (const f of written) fs.rmSync(f, { force: true });
  }
}

/** Builds a rewrite in a copy of the example (host-made files absent): whether it builds. */
async function buildsAlone(
  docker: Docker,
  dir: string,
  rewritten: string,
  newFiles: NewFile[],
): Promise<Check> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-e2e-alone-'));
  try {
    copyContext(dir, work);
    fs.writeFileSync(path.join(work, 'Dockerfile'), rewritten);
    for (const f of newFiles) fs.writeFileSync(path.join(work, f.path), f.content);
    const tag = 'dockerize-slim-e2e-alone:latest';
    const r = await docker.run(['build', '--network', 'host', '-q', '-t', tag, work]);
    await docker.run(['rmi', '-f', tag]);
    return {
      name: 'rewrite builds without the host-made files',
      pass: r.code === 0,
      detail:
        r.code === 0 ? 'docker build succeeded' : r.stderr.trim().split('\n').slice(-3).join(' | '),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Tags each missing base image from its stand-in; returns the tags it made, to remove after. */
async function tagStandIns(
  docker: Docker,
  app: string,
  standIns: Record<string, string>,
): Promise<string[]> {
  const made: string[] = [];
  for (const [name, from] of Object.entries(standIns)) {
    if ((await docker.run(['image', 'inspect', name])).code === 0) continue;
    const tagged = await docker.run(['tag', from, name]);
    if (tagged.code !== 0)
      throw new Error(`cannot tag ${from} as ${name}: ${tagged.stderr.trim()}`);
    console.log(`  ${app}: stand-in: ${name} is ${from} for this run (no ${name} image offline)`);
    made.push(name);
  }
  return made;
}

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const OUT = process.env.E2E_RESULTS ?? path.join(ROOT, '.e2e', 'results.json');

/** Concrete images of each template the rewrites can emit. */
function imagesOf(id: ReturnType<typeof allTemplateIds>[number]): string[] {
  const t = getTemplate(id);
  if (id === 'node-distroless')
    return (t.nodeMajors ?? []).map((major) => imageReference(t, { major }));
  if (id === 'node-slim')
    return ['22', '24', '26'].map((tag) => imageReference(t, { slimTag: `${tag}-slim` }));
  return [imageReference(t)];
}

/** The attack-surface columns of the summary table: each a before -> after pair from verify. */
const SURFACE_COLUMNS: Array<{ header: string; cell: (i: ImageReport) => string }> = [
  { header: 'layers', cell: (i) => String(i.layers) },
  {
    header: 'OS pkgs',
    cell: (i) =>
      i.surface
        ? i.surface.packages.count === null
          ? 'none'
          : String(i.surface.packages.count)
        : '?',
  },
  {
    header: 'shells',
    cell: (i) =>
      i.surface ? String(new Set(i.surface.shells.map((p) => path.posix.basename(p))).size) : '?',
  },
  {
    header: 'suid/sgid',
    cell: (i) => (i.surface ? String(i.surface.setuid.length + i.surface.setgid.length) : '?'),
  },
  { header: 'files', cell: (i) => (i.surface ? String(i.surface.files) : '?') },
  {
    header: 'uid',
    cell: (i) => (i.processUids?.length ? i.processUids.join(',') : String(i.uid ?? '?')),
  },
];

function surfaceColumns(report: VerifyReport): string[] {
  return SURFACE_COLUMNS.map(
    (c) =>
      `${report.before ? c.cell(report.before) : '-'}->${report.after ? c.cell(report.after) : '-'}`,
  );
}

async function checkContracts(docker: Docker): Promise<Check[]> {
  const checks: Check[] = [];
  for (const id of allTemplateIds()) {
    const t = getTemplate(id);
    if (t.imageUser === null) continue;
    for (const image of imagesOf(id)) {
      const inspect = await docker.run(['image', 'inspect', '-f', '{{json .Config}}', image]);
      if (inspect.code !== 0) {
        checks.push({ name: `contract ${image}`, pass: false, detail: 'image not available' });
        continue;
      }
      const config = JSON.parse(inspect.stdout) as {
        User?: string;
        Entrypoint?: string[] | null;
        Cmd?: string[] | null;
        WorkingDir?: string;
      };
      const problems: string[] = [];
      const same = (a: unknown, b: unknown) =>
        JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      if ((config.User ?? '') !== t.imageUser)
        problems.push(
          `USER ${JSON.stringify(config.User)} (contract ${JSON.stringify(t.imageUser)})`,
        );
      if (!same(config.Entrypoint, t.entrypoint))
        problems.push(
          `ENTRYPOINT ${JSON.stringify(config.Entrypoint)} (contract ${JSON.stringify(t.entrypoint)})`,
        );
      if (!same(config.Cmd, t.cmd))
        problems.push(`CMD ${JSON.stringify(config.Cmd)} (contract ${JSON.stringify(t.cmd)})`);
      if ((config.WorkingDir || '/') !== t.workdir)
        problems.push(`WORKDIR ${JSON.stringify(config.WorkingDir)} (contract ${t.workdir})`);
      const shell = await hasShell(docker, image);
      if (shell !== t.hasShell)
        problems.push(
          `shell ${shell ? 'present' : 'absent'} (contract ${t.hasShell ? 'present' : 'absent'})`,
        );
      checks.push({
        name: `contract ${image}`,
        pass: problems.length === 0,
        detail:
          problems.join('; ') ||
          `USER, ENTRYPOINT, CMD, WORKDIR and shell match templates/${id}.json`,
      });
    }
  }
  return checks;
}

/** Real images when the registry answers (or E2E_IMAGES=real), else the offline stand-ins. */
async function imageSource(docker: Docker): Promise<'real' | 'stand-in'> {
  const wanted = process.env.E2E_IMAGES ?? 'auto';
  if (wanted === 'real' || wanted === 'stand-in') return wanted;
  const pull = await docker.run(['pull', '-q', 'gcr.io/distroless/static-debian13:nonroot'], {
    timeoutMs: 30_000,
  });
  return pull.code === 0 ? 'real' : 'stand-in';
}

async function main(): Promise<number> {
  const io = processIo();
  const docker = dockerCli(pickDockerBinary(process.env, (p) => fs.existsSync(p)));
  if ((await docker.run(['version'], { timeoutMs: 20_000 })).code !== 0) {
    console.error('e2e: no Docker engine; install docker.io and start dockerd (see .ci/run)');
    return 2;
  }
  const images = await imageSource(docker);
  console.log(
    `e2e: base images: ${images}${images === 'stand-in' ? ' (../shared/offline-images; sizes are of the stand-ins)' : ''}`,
  );
  const contracts = await checkContracts(docker);
  for (const c of contracts) console.log(`${c.pass ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`);

  const only = process.argv.slice(2);
  const apps = fs
    .readdirSync(EXAMPLES)
    .filter(
      (a) =>
        fs.existsSync(path.join(EXAMPLES, a, 'e2e.json')) &&
        (only.length === 0 || only.includes(a)),
    )
    .sort();
  const rows: Array<{
    app: string;
    target: string;
    finalImage: string;
    beforeMB: string;
    afterMB: string;
    reduction: string;
    surface: string[];
    checks: string;
    report: VerifyReport;
    go?: GoSizes;
  }> = [];
  let failed = contracts.some((c) => !c.pass);
  for (const app of apps) {
    const dir = path.join(EXAMPLES, app);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'e2e.json'), 'utf8')) as AppConfig;
    const started = Date.now();
    const outcome = processFile(path.join(dir, 'Dockerfile'), config.options ?? {}, undefined, io);
    if (config.refused) {
      const rule = outcome.result?.skipped?.rule;
      const checks: Check[] = [
        {
          name: `refused with ${config.refused}`,
          pass: outcome.status === 'skipped' && rule === config.refused,
          detail: `${outcome.status}${rule ? ` [${rule}] ${outcome.result!.skipped!.reason}` : ''}`,
        },
        await originalWorks(docker, app, dir, config),
      ];
      for (const c of checks)
        console.log(`  ${c.pass ? 'pass' : 'FAIL'} ${app}: ${c.name}: ${c.detail}`);
      if (checks.some((c) => !c.pass)) failed = true;
      continue;
    }
    if (outcome.status !== 'changed') {
      console.log(
        `FAIL ${app}: not rewritten (${outcome.result?.skipped?.reason ?? outcome.error?.message ?? outcome.status})`,
      );
      failed = true;
      continue;
    }
    let r = outcome.result!;
    const standIns = await tagStandIns(docker, app, config.standIns ?? {});
    const recipeChecks: Check[] = [];
    if (config.observe) {
      // The rewrite checked below is the one the verified recipe committed.
      const recipe = runRecipe(app, dir, config);
      recipeChecks.push(...recipe.checks);
      if (recipe.committed !== null) r = { ...r, output: recipe.committed };
    }
    // A Go app's images are kept until its program is measured (binary + base, below).
    const isGo = r.edits.some((e) => /^go\/[a-z]+-final-stage$/.test(e.rule));
    const verify = (rewrite: typeof r, name: string, keep = false) =>
      withHostFiles(dir, config.hostFiles ?? {}, async () => {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `dockerize-slim-e2e-${app}-`));
        try {
          return await verifyRewrite(
            docker,
            {
              name,
              contextDir: dir,
              dockerfilePath: path.join(dir, 'Dockerfile'),
              rewritten: rewrite.output,
              newFiles: rewrite.newFiles ?? [],
              port: config.port,
              paths: config.paths,
              env: config.env ?? {},
              shellLess: rewrite.finalHasShell === false,
              network: 'host',
              keep: keep || process.env.E2E_KEEP === '1',
              workDir,
              startTimeoutS: config.startTimeoutS,
            },
            (line) => console.log(`  ${app}: ${line}`),
          );
        } finally {
          fs.rmSync(workDir, { recursive: true, force: true });
        }
      });
    const report = await verify(r, `dockerize-slim-e2e-${app}`, isGo);
    let goSizes: GoSizes | undefined;
    if (isGo) {
      goSizes = await measureGo(docker, `dockerize-slim-e2e-${app}`, r, report);
      if (goSizes) console.log(`  ${app}: ${describeGoSizes(goSizes)}`);
      if (process.env.E2E_KEEP !== '1')
        await docker.run([
          'rmi',
          '-f',
          `dockerize-slim-e2e-${app}:before`,
          `dockerize-slim-e2e-${app}:after`,
        ]);
    }
    report.checks.unshift(...recipeChecks);
    if (config.hostFiles)
      report.checks.push(await buildsAlone(docker, dir, r.output, r.newFiles ?? []));
    if (config.minimal === 'breaks') {
      // The default keeps what detection misses: the same app with --minimal must not work.
      const minimal = processFile(
        path.join(dir, 'Dockerfile'),
        { ...(config.options ?? {}), minimal: true },
        undefined,
        io,
      );
      const m = minimal.result;
      const mr = m?.changed ? await verify(m, `dockerize-slim-e2e-${app}-minimal`) : null;
      const broke = mr !== null && (mr.error !== undefined || mr.checks.some((c) => !c.pass));
      report.checks.push({
        name: 'the same app breaks with --minimal (the default is what keeps it working)',
        pass: broke,
        detail:
          mr === null
            ? `--minimal did not rewrite it (${minimal.status})`
            : broke
              ? `--minimal: ${mr.checks.find((c) => !c.pass)?.detail ?? mr.error}`
              : '--minimal answers like the original too',
      });
    }
    if (standIns.length > 0) await docker.run(['rmi', ...standIns]);
    const passed = !report.error && report.checks.every((c) => c.pass);
    if (!passed) failed = true;
    for (const c of report.checks)
      console.log(`  ${c.pass ? 'pass' : 'FAIL'} ${app}: ${c.name}: ${c.detail}`);
    if (report.error) console.log(`  FAIL ${app}: ${report.error}`);
    const before = report.before?.sizeBytes ?? 0;
    const after = report.after?.sizeBytes ?? 0;
    rows.push({
      app,
      target: r.target ?? '',
      finalImage: r.finalImage ?? '',
      beforeMB: mb(before),
      afterMB: mb(after),
      reduction: before > 0 && after > 0 ? `${(100 * (1 - after / before)).toFixed(1)}%` : '-',
      surface: surfaceColumns(report),
      checks: `${report.checks.filter((c) => c.pass).length}/${report.checks.length}${report.error ? ' (error)' : ''}`,
      report,
      ...(goSizes ? { go: goSizes } : {}),
    });
    console.log(
      `  ${app}: ${passed ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  const own =
    only.length === 0 || only.includes('own-image') ? await checkOwnImage(docker, io) : [];
  for (const c of own) console.log(`${c.pass ? 'pass' : 'FAIL'} own image: ${c.name}: ${c.detail}`);
  if (own.some((c) => !c.pass)) failed = true;
  const header = [
    'app',
    'target',
    'before MB',
    'after MB',
    'reduction',
    ...SURFACE_COLUMNS.map((c) => c.header),
    'checks',
  ];
  const table = [
    header,
    ...rows.map((r) => [
      r.app,
      r.target,
      r.beforeMB,
      r.afterMB,
      r.reduction,
      ...r.surface,
      r.checks,
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  console.log(
    `\nImage sizes and attack surface, before -> after (${images === 'stand-in' ? 'measured on offline stand-ins of the base images, not the real ones' : 'real base images'}):`,
  );
  for (const row of table)
    console.log(
      row.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '),
    );
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    JSON.stringify({ baseImages: images, contracts, apps: rows }, null, 2) + '\n',
  );
  console.log(`\nwrote ${path.relative(process.cwd(), OUT)}`);
  const total =
    rows.reduce((n, r) => n + r.report.checks.length, 0) + contracts.length + own.length;
  const bad =
    rows.reduce(
      (n, r) => n + r.report.checks.filter((c) => !c.pass).length + (r.report.error ? 1 : 0),
      0,
    ) +
    contracts.filter((c) => !c.pass).length +
    own.filter((c) => !c.pass).length;
  console.log(`e2e: ${total - bad} passed, ${bad} failed`);
  return failed ? 1 : 0;
}

/**
 * The tool's own image (Dockerfile at the repository root): it builds, the tool leaves it as it
 * is, it runs as a numeric non-root user without a shell, and run over an example with the
 * folder mounted it gives the same answer as the tool run here.
 */
async function checkOwnImage(docker: Docker, io: ReturnType<typeof processIo>): Promise<Check[]> {
  const tag = 'dockerize-slim-e2e-own:latest';
  const checks: Check[] = [];
  const built = await docker.run(['build', '--network', 'host', '-q', '-t', tag, ROOT]);
  checks.push({
    name: 'builds',
    pass: built.code === 0,
    detail:
      built.code === 0
        ? 'docker build succeeded'
        : built.stderr.trim().split('\n').slice(-3).join(' | '),
  });
  if (built.code !== 0) return checks;
  const self = processFile(path.join(ROOT, 'Dockerfile'), {}, undefined, io);
  checks.push({
    name: 'left unchanged by the tool',
    pass: self.status !== 'changed',
    detail: self.result?.skipped ? `${self.status}: ${self.result.skipped.rule}` : self.status,
  });
  const user = (
    await docker.run(['image', 'inspect', '-f', '{{.Config.User}}', tag])
  ).stdout.trim();
  checks.push({
    name: 'numeric non-root USER',
    pass: /^[1-9]\d*(:\d+)?$/.test(user),
    detail: `USER ${user}`,
  });
  const shell = await hasShell(docker, tag);
  checks.push({
    name: 'no shell',
    pass: !shell,
    detail: shell ? '/bin/sh ran' : '/bin/sh cannot start',
  });
  const example = path.join(EXAMPLES, 'node-express');
  const run = await docker.run([
    'run',
    '--rm',
    '--network',
    'none',
    '-v',
    `${example}:/src:ro`,
    '-w',
    '/src',
    tag,
    '--format',
    'json',
    '.',
  ]);
  const local = processFile(path.join(example, 'Dockerfile'), {}, undefined, io);
  let inImage: { files?: Array<{ diff: string | null }> } = {};
  try {
    inImage = JSON.parse(run.stdout);
  } catch {
    // Reported below as a mismatch with the output shown.
  }
  const same = inImage.files?.[0]?.diff === local.diff?.replace(/examples\/node-express\//g, '');
  checks.push({
    name: 'rewrites an example like the local tool',
    pass: run.code === 0 && same,
    detail: same
      ? 'docker run -v examples/node-express:/src gives the same diff as here'
      : `exit ${run.code}: ${(run.stderr || run.stdout).trim().split('\n').slice(-2).join(' | ')}`,
  });
  await docker.run(['rmi', '-f', tag]);
  return checks;
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(e.stack);
    process.exitCode = 2;
  },
);
