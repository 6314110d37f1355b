// npm run bench: generates a tree of Node and Go repositories (scripts/bench-tree.mjs), then times,
// side by side: dockerize-slim's dry run over the tree (--jobs 1 and default) and dockerfilelint
// over the same files, each both as one process and xargs-batched; a parse-only pass with
// dockerfile-ast (the floor); cold starts against `node -e 0`; where worker threads start to pay;
// a 100,000-file tree (time and peak RSS); and the install of the packed tarball. Prints medians and ratios; writes bench-results.json.
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';
import { generateTree } from './bench-tree.mjs';
import { packAndInstall } from './pack-check.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_FILES ?? 10000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const TREE = process.env.BENCH_TREE ?? path.join(os.tmpdir(), `dockerize-slim-bench-${FILES}`);
const BIN = path.join(ROOT, 'bin', 'dockerize-slim.js');
const LINT = path.join(ROOT, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint');

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
  return s[Math.floor(s.length / 2)];
}

function measure(label, runs, fn) {
  const ms = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = fn();
    ms.push(last.ms);
  }
  const m = median(ms);
  console.log(
    `${label.padEnd(46)} median ${m.toFixed(1).padStart(9)} ms  (runs: ${ms.map((x) => x.toFixed(0)).join(', ')})`,
  );
  return { label, medianMs: Math.round(m * 10) / 10, runs: ms.map((x) => Math.round(x)), last };
}

const BIG = Number(process.env.BENCH_BIG_FILES ?? 100000);
const RSS_PRELOAD = path.join(ROOT, 'scripts', 'bench-rss.cjs');

const files = generateTree(TREE, FILES);
console.log(
  `tree: ${files.length} services with their Dockerfiles in ${TREE}; ${os.cpus().length} cores; node ${process.version}\n`,
);
const parseScript = `const fs=require('fs');const {DockerfileParser}=require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dockerfile-ast'))});for(const f of fs.readFileSync(0,'utf8').split('\\n'))if(f)DockerfileParser.parse(fs.readFileSync(f,'utf8'));`;
const fileList = files.join('\n');
// xargs as users run it: as many paths per command line as the system allows.
const xargs = (...command) =>
  time('xargs', ['-d', '\n', ...command], {
    input: fileList,
    stdio: ['pipe', 'ignore', 'pipe'],
  });

const jobs1 = measure('dockerize-slim dry run, --jobs 1', RUNS, () =>
  time('node', [BIN, '--jobs', '1', '--no-color', TREE]),
);
const jobsN = measure(`dockerize-slim dry run, default jobs (${os.cpus().length})`, RUNS, () =>
  time('node', [BIN, '--no-color', TREE]),
);
const lint = measure('dockerfilelint, same files, one process', RUNS, () =>
  time('node', [LINT, ...files]),
);
const slimX = measure('dockerize-slim dry run, xargs-batched', RUNS, () =>
  xargs('node', BIN, '--no-color'),
);
const lintX = measure('dockerfilelint, xargs-batched', RUNS, () => xargs('node', LINT));
const parse = measure('dockerfile-ast parse only (floor)', RUNS, () =>
  time('node', ['-e', parseScript], { input: fileList, stdio: ['pipe', 'ignore', 'pipe'] }),
);
console.log(`  summary of the last dry run: ${jobsN.last.stderr.trim().split('\n').pop()}\n`);

const one = path.dirname(files[0]);
const nodeStart = measure('node -e 0', COLD_RUNS, () => time('node', ['-e', '0']));
const version = measure('dockerize-slim --version', COLD_RUNS, () =>
  time('node', [BIN, '--version']),
);
const single = measure('dockerize-slim dry run of one Dockerfile', COLD_RUNS, () =>
  time('node', [BIN, '--no-color', one]),
);

// Where worker threads start to pay (src/cli/pool.ts WORKER_THRESHOLD): the first n repositories.
const crossover = [];
for (const n of [128, 256, 512, 1024, 2048]) {
  const dirs = files.slice(0, n).map((f) => path.dirname(f));
  const one = measure(`crossover: ${n} files, --jobs 1`, RUNS, () =>
    time('node', [BIN, '--jobs', '1', '--no-color', ...dirs]),
  );
  const two = measure(`crossover: ${n} files, --jobs ${os.cpus().length}`, RUNS, () =>
    time('node', [BIN, '--jobs', String(os.cpus().length), '--no-color', ...dirs]),
  );
  crossover.push({ files: n, jobs1Ms: one.medianMs, jobsNMs: two.medianMs });
}

let big = null;
if (BIG > 0) {
  const bigTree = path.join(os.tmpdir(), `dockerize-slim-bench-${BIG}`);
  const t0 = Date.now();
  const bigFiles = generateTree(bigTree, BIG);
  console.log(
    `\ntree: ${bigFiles.length} Dockerfiles in ${bigTree} (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  const rssFile = path.join(os.tmpdir(), `dockerize-slim-bench-rss-${process.pid}`);
  const run = time('node', ['--require', RSS_PRELOAD, BIN, '--no-color', bigTree], {
    env: { ...process.env, BENCH_RSS_FILE: rssFile },
  });
  const peakRssMB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  fs.rmSync(rssFile, { force: true });
  big = {
    files: bigFiles.length,
    ms: Math.round(run.ms),
    peakRssMB: Math.round(peakRssMB),
    summary: run.stderr.trim().split('\n').pop(),
  };
  console.log(
    `dockerize-slim dry run, ${bigFiles.length} files, default jobs: ${(run.ms / 1000).toFixed(1)} s, peak RSS ${peakRssMB.toFixed(0)} MB`,
  );
  console.log(`  summary: ${big.summary}`);
}

const pack = packAndInstall();
fs.rmSync(pack.dir, { recursive: true, force: true });
const install = {
  tarballKiB: Math.round(pack.tarballBytes / 1024),
  installedMiB: Math.round((pack.installedBytes / 1048576) * 10) / 10,
  installMs: Math.round(pack.installMs),
  packages: pack.packages,
};
console.log(
  `\npacked install: tarball ${install.tarballKiB} KiB, installed ${install.installedMiB} MiB (${install.packages.length} package) in ${install.installMs} ms`,
);

const ratios = {
  treeJobs1VsDockerfilelint: jobs1.medianMs / lint.medianMs,
  treeDefaultVsDockerfilelint: jobsN.medianMs / lint.medianMs,
  treeXargsVsDockerfilelintXargs: slimX.medianMs / lintX.medianMs,
  treeDefaultVsParseFloor: jobsN.medianMs / parse.medianMs,
  versionVsNode: version.medianMs / nodeStart.medianMs,
  oneFileVsNode: single.medianMs / nodeStart.medianMs,
  ...(big ? { bigTreeVsTree: big.ms / jobsN.medianMs } : {}),
};
console.log(
  '\nratios (targets: tree <= 1.0 x dockerfilelint both ways, one file <= 1.5 x node -e 0, 100k tree <= 11 x the 10k tree and <= 400 MB):',
);
for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(32)} ${v.toFixed(2)}`);
const results = {
  files: files.length,
  cores: os.cpus().length,
  node: process.version,
  measurements: [jobs1, jobsN, lint, slimX, lintX, parse, nodeStart, version, single].map(
    ({ label, medianMs, runs }) => ({ label, medianMs, runs }),
  ),
  crossover,
  bigTree: big,
  install,
  ratios,
};
fs.writeFileSync(path.join(ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\nwrote bench-results.json');
