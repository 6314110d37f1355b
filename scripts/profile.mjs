// node scripts/profile.mjs [--checkout DIR] [--files N] [--one] [--top K] [--out FILE] [-- CLI ARGS]
//
// Where a dry run's time goes, per phase and per function. Bundles the CLI of a checkout (this one
// by default) without minifying, so that every function keeps its name and every line of the
// bundle its module (esbuild writes `// src/...` above each one), runs it with `node --cpu-prof`
// on one thread (--jobs 1) over the first N repositories of the bench tree (or one Dockerfile with
// --one), and prints:
//   - phases: each sample goes to the innermost phase function on its stack (a parse inside the
//     analysis counts as parse), or to garbage collection, compiling, or the module of its leaf;
//   - the functions and modules with the most self time.
// Without --out the profile is deleted afterwards.
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';
import { generateTree, repoDir } from './bench-tree.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = {
    checkout: HERE,
    files: 2000,
    one: false,
    top: 25,
    out: null,
    bare: false,
    rest: [],
    bundles: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      o.rest = argv.slice(i + 1);
      break;
    } else if (a === '--checkout') o.checkout = path.resolve(argv[++i]);
    else if (a === '--files') o.files = Number(argv[++i]);
    else if (a === '--top') o.top = Number(argv[++i]);
    else if (a === '--out') o.out = path.resolve(argv[++i]);
    else if (a === '--one') o.one = true;
    else if (a === '--bare') o.bare = true;
    else if (a === '--summarize') o.summarize = path.resolve(argv[++i]);
    else if (a === '--bundle') o.bundles.push(path.resolve(argv[++i]));
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Phases by the function that starts them, innermost first when they nest. */
const PHASES = [
  ['discovery', 'src/cli/discover.ts', null],
  ['config and compose lookup', 'src/cli/config.ts', null],
  ['config and compose lookup', 'src/cli/compose.ts', null],
  ['read Dockerfile and context', 'src/cli/read-context.ts', null],
  ['read Dockerfile and context', 'src/cli/dir-index.ts', null],
  ['read Dockerfile and context', 'src/cli/safe-read.ts', null],
  ['read Dockerfile and context', 'src/cli/process-file.ts', 'readDockerfile'],
  ['read Dockerfile and context', 'src/cli/context-cache.ts', null],
  ['parse (dockerfile-ast)', 'src/dockerfile/parse.ts', 'parseDockerfile'],
  ['stage facts', 'src/dockerfile/stage.ts', 'analyzeStages'],
  ['buildability', 'src/common/buildability.ts', 'checkBuildability'],
  ['Node analysis', 'src/node/analyze.ts', 'analyzeNode'],
  ['Node analysis', 'src/node/buildability.ts', 'nodeBuildProblems'],
  ['Node analysis', 'src/static/site.ts', 'detectStaticSite'],
  ['Go analysis', 'src/go/analyze.ts', 'analyzeGo'],
  ['plan (final-stage writers)', 'transforms/', null],
  ['apply, re-parse, validate, contract', 'src/engine.ts', 'finish'],
  ['diff and output', 'src/cli/render.ts', null],
  ['diff and output', 'src/cli/run.ts', 'printOutcome'],
  ['engine (other)', 'src/engine.ts', null],
  ['CLI (other)', 'src/cli/', null],
];

function moduleMap(bundle) {
  const marks = [];
  const lines = fs.readFileSync(bundle, 'utf8').split('\n');
  lines.forEach((line, i) => {
    // A checkout whose node_modules is a link to another's shows that one's path: cut to it.
    const m =
      /^\/\/ (?:\S*?\/)??((?:src|transforms|templates|scripts|node_modules)\/\S*|package\.json)$/.exec(
        line,
      );
    if (m) marks.push([i, m[1]]);
  });
  return (line) => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid][0] <= line) {
        found = marks[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

function moduleGroup(mod) {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(mod);
  return m ? `node_modules/${m[1]}` : mod;
}

function summarize(profileFile, bundles, top) {
  const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const maps = new Map(bundles.map((b) => [b, moduleMap(b)]));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const info = new Map();
  for (const n of profile.nodes) {
    const cf = n.callFrame;
    const file = cf.url.replace(/^file:\/\//, '');
    const map =
      maps.get(file) ??
      (maps.size === 1 && cf.url.startsWith('file://') ? [...maps.values()][0] : null);
    const mod = map ? map(cf.lineNumber) : cf.url ? `(node) ${path.basename(file)}` : '';
    const name = cf.functionName || '(anonymous)';
    info.set(n.id, { name, mod, special: !cf.url && name.startsWith('(') ? name : null });
  }
  const phaseOf = (id) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const { name, mod } = info.get(cur);
      for (const [phase, prefix, fn] of PHASES)
        if (mod.startsWith(prefix) && (fn === null || fn === name)) return phase;
    }
    return null;
  };
  // Time per sample: the gap to the next one.
  const dt = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const d = (timeDeltas[i + 1] ?? 0) / 1000;
    dt.set(samples[i], (dt.get(samples[i]) ?? 0) + d);
  }
  const total = [...dt.values()].reduce((a, b) => a + b, 0);
  const phases = new Map();
  const fns = new Map();
  const mods = new Map();
  const inclusive = new Map();
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, ms] of dt) {
    const { name, mod, special } = info.get(id);
    if (special === '(idle)') {
      add(phases, 'idle (waiting)', ms);
      continue;
    }
    if (special === '(garbage collector)') add(phases, 'garbage collection', ms);
    else if (special === '(program)') add(phases, 'V8 and Node internals (compile, ...)', ms);
    else add(phases, phaseOf(id) ?? `other: ${moduleGroup(mod)}`, ms);
    const key = special ?? `${name}  ${mod}`;
    add(fns, key, ms);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const c = info.get(cur);
      const k = `${c.name}  ${c.mod}`;
      if (c.mod && !c.special && !seen.has(k)) {
        seen.add(k);
        add(inclusive, k, ms);
      }
    }
  }
  const print = (title, m, k) => {
    console.log(`\n${title}`);
    for (const [name, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, k))
      console.log(
        `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`,
      );
  };
  console.log(`profile: ${total.toFixed(0)} ms sampled`);
  print('per phase', phases, 40);
  print('top functions (self time)', fns, top);
  print('top modules (self time)', mods, top);
  print('top functions (inclusive time)', inclusive, top);
  byId.clear();
}

const opts = parseArgs(process.argv.slice(2));
if (opts.summarize) {
  summarize(opts.summarize, opts.bundles, opts.top);
  process.exit(0);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-profile-'));
const { build } = await import(path.join(HERE, 'node_modules', 'esbuild', 'lib', 'main.js'));
const common = {
  absWorkingDir: opts.checkout,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  conditions: [],
  nodePaths: [path.join(HERE, 'node_modules')],
};
const entries = fs.existsSync(path.join(opts.checkout, 'src', 'cli', 'main.ts'))
  ? ['cli', 'worker']
  : [];
await Promise.all(
  entries.map((e) =>
    build({
      ...common,
      entryPoints: [path.join(opts.checkout, 'src', 'cli', `${e === 'cli' ? 'main' : e}.ts`)],
      outfile: path.join(work, 'dist', `${e}.js`),
    }),
  ),
);
let targets;
if (opts.rest.length > 0) targets = opts.rest;
else {
  const tree = path.join(os.tmpdir(), `dockerize-slim-bench-10000${opts.bare ? '-bare' : ''}`);
  generateTree(tree, 10000, { sources: !opts.bare });
  targets = opts.one
    ? [repoDir(tree, 0)]
    : Array.from({ length: Math.ceil(opts.files / 100) }, (_, i) =>
        path.dirname(repoDir(tree, i * 100)),
      );
}
const profDir = path.join(work, 'prof');
const r = spawnSync(
  process.execPath,
  [
    '--cpu-prof',
    '--cpu-prof-interval',
    opts.one ? '100' : '500',
    '--cpu-prof-dir',
    profDir,
    path.join(work, 'dist', 'cli.js'),
    '--jobs',
    '1',
    '--no-color',
    ...targets,
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
);
console.log(`${opts.checkout}: ${r.stderr.trim().split('\n').pop()}`);
const [profileFile] = fs.readdirSync(profDir).map((f) => path.join(profDir, f));
const bundles = fs
  .readdirSync(path.join(work, 'dist'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => path.join(work, 'dist', f));
summarize(profileFile, bundles, opts.top);
if (opts.out) fs.copyFileSync(profileFile, opts.out);
fs.rmSync(work, { recursive: true, force: true });
