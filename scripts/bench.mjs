// npm run bench: times dockerize-slim's dry run against a yardstick, pair by pair in turn (ours,
// then the yardstick, RUNS times), and prints the median of each and of the ratios:
//   - 10,000 complete services, every file rewritten, against dockerfilelint over the same
//     Dockerfiles (target <= 2.0);
//   - the same Dockerfiles without their services, every file refused early, against
//     dockerfilelint (target <= 1.0);
//   - one Dockerfile against `node -e 0` (target <= 1.5), and --version;
//   - 100,000 services against the 10,000-service run just before and after it (target <= 11)
//     and its peak memory (target <= 400 MB);
// then, for reference, --jobs 1, a parse-only pass with dockerfile-ast (the floor), where worker
// threads start to pay, and the install of the packed tarball. Writes bench-results.json.
//
// The machine is shared: the load average before and after and each figure's spread are printed,
// so a noisy run can be told from a quiet one.
import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';
import { generateTree } from './bench-tree.mjs';
import { packAndInstall } from './pack-check.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_FILES ?? 10000);
const BIG = Number(process.env.BENCH_BIG_FILES ?? 100000);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const REFERENCE = process.env.BENCH_REFERENCE !== '0';
const TREE = path.join(os.tmpdir(), `dockerize-slim-bench-${FILES}`);
const BARE = path.join(os.tmpdir(), `dockerize-slim-bench-${FILES}-bare`);
const BIN = path.join(ROOT, 'bin', 'dockerize-slim.js');
const LINT = path.join(ROOT, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint');
const RSS_PRELOAD = path.join(ROOT, 'scripts', 'bench-rss.cjs');

/** Wall time of one run, its output thrown away. */
function time(cmd, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 28,
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error) throw r.error;
  return { ms, stderr: r.stderr?.toString() ?? '' };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const spread = (v) => `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}`;

/** Ours and the yardstick in turn, `runs` pairs (after one unmeasured pair): medians and ratio. */
function pair(label, runs, ours, yardstick, target) {
  ours();
  yardstick();
  const a = [];
  const b = [];
  const ratios = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = ours();
    const y = yardstick();
    a.push(last.ms);
    b.push(y.ms);
    ratios.push(last.ms / y.ms);
  }
  const result = {
    label,
    oursMs: round(median(a)),
    yardstickMs: round(median(b)),
    ratio: round(median(ratios), 2),
    target,
    met: target === null ? null : median(ratios) <= target,
    oursRuns: a.map((x) => Math.round(x)),
    yardstickRuns: b.map((x) => Math.round(x)),
    ratioRuns: ratios.map((x) => round(x, 2)),
    summary: last.stderr.trim().split('\n').pop(),
  };
  console.log(
    `${label.padEnd(58)} ${result.oursMs.toFixed(0).padStart(7)} ms vs ${result.yardstickMs.toFixed(0).padStart(7)} ms = ${result.ratio.toFixed(2)} x (${target === null ? '' : `target <= ${target}: ${result.met ? 'met' : 'NOT met'}; `}runs ${spread(a)} / ${spread(b)} ms, ratios ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
  );
  return result;
}

function single(label, runs, fn) {
  fn();
  const ms = [];
  for (let i = 0; i < runs; i++) ms.push(fn().ms);
  const result = { label, medianMs: round(median(ms)), runs: ms.map((x) => Math.round(x)) };
  console.log(
    `${label.padEnd(58)} ${result.medianMs.toFixed(0).padStart(7)} ms (runs ${spread(ms)} ms)`,
  );
  return result;
}

function commit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const started = { at: new Date().toISOString(), load: load() };
const files = generateTree(TREE, FILES);
const bareFiles = generateTree(BARE, FILES, { sources: false });
console.log(
  `dockerize-slim ${commit()}, node ${process.version}, ${os.cpus().length} cores; load average ${started.load}\n` +
    `trees: ${files.length} complete services in ${TREE}, and their Dockerfiles alone in ${BARE}\n`,
);

const dryRun =
  (...args) =>
  () =>
    time('node', [BIN, '--no-color', ...args]);
const lint = (list) => () => time('node', [LINT, ...list]);

// The targets.
const tree = pair(
  `${FILES} services, every file rewritten / dockerfilelint`,
  RUNS,
  dryRun(TREE),
  lint(files),
  2.0,
);
const bare = pair(
  `${FILES} Dockerfiles alone, every file refused / dockerfilelint`,
  RUNS,
  dryRun(BARE),
  lint(bareFiles),
  1.0,
);
const one = path.dirname(files[0]);
const oneFile = pair(
  'one Dockerfile (a complete service) / node -e 0',
  COLD_RUNS,
  dryRun(one),
  () => time('node', ['-e', '0']),
  1.5,
);
const version = pair(
  'dockerize-slim --version / node -e 0',
  COLD_RUNS,
  () => time('node', [BIN, '--version']),
  () => time('node', ['-e', '0']),
  null,
);

let big = null;
if (BIG > 0) {
  const bigTree = path.join(os.tmpdir(), `dockerize-slim-bench-${BIG}`);
  const t0 = Date.now();
  const bigFiles = generateTree(bigTree, BIG);
  console.log(
    `\ntree: ${bigFiles.length} services in ${bigTree} (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  // Between two runs of the 10,000-service tree, so that the ratio compares neighbours.
  const before = dryRun(TREE)();
  const rssFile = path.join(os.tmpdir(), `dockerize-slim-bench-rss-${process.pid}`);
  const run = time('node', ['--require', RSS_PRELOAD, BIN, '--no-color', bigTree], {
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
  });
  const after = dryRun(TREE)();
  const peakRssMB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  fs.rmSync(rssFile, { force: true });
  const neighbours = (before.ms + after.ms) / 2;
  big = {
    files: bigFiles.length,
    ms: Math.round(run.ms),
    neighbourMs: [Math.round(before.ms), Math.round(after.ms)],
    ratio: round(run.ms / neighbours, 2),
    target: 11,
    met: run.ms / neighbours <= 11,
    peakRssMB: Math.round(peakRssMB),
    rssTarget: 400,
    rssMet: peakRssMB <= 400,
    summary: run.stderr.trim().split('\n').pop(),
  };
  console.log(
    `${`${bigFiles.length} services / ${FILES} services (runs before and after)`.padEnd(58)} ${big.ms.toFixed(0).padStart(7)} ms vs ${Math.round(neighbours).toFixed(0).padStart(7)} ms = ${big.ratio.toFixed(2)} x (target <= 11: ${big.met ? 'met' : 'NOT met'}; 10k runs ${big.neighbourMs.join(', ')} ms)`,
  );
  console.log(
    `${`${bigFiles.length} services, peak memory`.padEnd(58)} ${big.peakRssMB.toFixed(0).padStart(7)} MB (target <= 400: ${big.rssMet ? 'met' : 'NOT met'})`,
  );
  console.log(`  ${big.summary}`);
}

const reference = {};
if (REFERENCE) {
  console.log('\nfor reference:');
  reference.jobs1 = single(`${FILES} services, --jobs 1`, RUNS, dryRun('--jobs', '1', TREE));
  const parseScript = `const fs=require('fs');const {DockerfileParser}=require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dockerfile-ast'))});for(const f of fs.readFileSync(0,'utf8').split('\\n'))if(f)DockerfileParser.parse(fs.readFileSync(f,'utf8'));`;
  reference.parseFloor = single('dockerfile-ast parse of the same files (the floor)', RUNS, () =>
    time('node', ['-e', parseScript], {
      input: files.join('\n'),
      stdio: ['pipe', 'ignore', 'pipe'],
    }),
  );
  // Where worker threads start to pay (src/cli/pool.ts WORKER_THRESHOLD): the first n services.
  reference.crossover = [];
  for (const n of [512, 1024, 2048]) {
    const dirs = files.slice(0, n).map((f) => path.dirname(f));
    const r = pair(
      `${n} services, --jobs ${os.cpus().length} / --jobs 1`,
      RUNS,
      () => time('node', [BIN, '--jobs', String(os.cpus().length), '--no-color', ...dirs]),
      () => time('node', [BIN, '--jobs', '1', '--no-color', ...dirs]),
      null,
    );
    reference.crossover.push({
      files: n,
      jobsNMs: r.oursMs,
      jobs1Ms: r.yardstickMs,
      ratio: r.ratio,
    });
  }
  const pack = packAndInstall();
  fs.rmSync(pack.dir, { recursive: true, force: true });
  reference.install = {
    tarballKiB: Math.round(pack.tarballBytes / 1024),
    installedMiB: round(pack.installedBytes / 1048576),
    installMs: Math.round(pack.installMs),
    packages: pack.packages,
  };
  console.log(
    `packed install: tarball ${reference.install.tarballKiB} KiB, installed ${reference.install.installedMiB} MiB (${pack.packages.length} package) in ${reference.install.installMs} ms`,
  );
}

const finished = { at: new Date().toISOString(), load: load() };
console.log(`\nload average at the end ${finished.load} (at the start ${started.load})`);
const targets = [tree, bare, oneFile, ...(big ? [big] : [])];
const results = {
  commit: commit(),
  node: process.version,
  cores: os.cpus().length,
  started,
  finished,
  files: FILES,
  runs: RUNS,
  tree,
  bare,
  oneFile,
  version,
  bigTree: big,
  reference,
  allMet: targets.every((t) => t.met) && (!big || big.rssMet),
};
fs.writeFileSync(path.join(ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results.json');
