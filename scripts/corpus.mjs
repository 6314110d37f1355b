// node scripts/corpus.mjs check|record [--bin FILE] [--save DIR] [--only REGEXP]
//
// Byte-identical output, checked through the built command line: the golden fixtures, the examples
// and the bench trees (complete services, and the same tree without sources), each run with every
// option set, and each fixture once more on its own with its build context (--context). Every
// run's exit code, stdout and stderr (the elapsed times taken out) is hashed; `record` writes the
// hashes to __tests__/corpus/digests.json, `check` compares with them and exits 1 when a run
// differs.
//
// Record with the code whose output is right (the commit before a change, or the other side of a
// merge: --bin ../other/bin/dockerize-slim.js, built), check with the change. --save DIR keeps
// every run's output as DIR/<case>.out, so that two runs can be compared with diff -r.
import { spawn } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';
import { generateTree } from './bench-tree.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIGESTS = path.join(ROOT, '__tests__', 'corpus', 'digests.json');
/** Repositories of each bench tree, as npm run bench times them. */
const TREE_FILES = 10000;
/** Each option set runs on the first 2,000 of them: every shape of service, many times over. */
const SLICE_ORGS = 20;

const OPTION_SETS = {
  auto: [],
  distroless: ['--target', 'distroless'],
  cgr: ['--target', 'cgr'],
  scratch: ['--target', 'scratch'],
  slim: ['--target', 'slim'],
  nginx: ['--target', 'nginx'],
  'nginx-unprivileged': ['--nginx', 'unprivileged'],
  'nginx-chainguard': ['--nginx', 'chainguard'],
  minimal: ['--minimal'],
  harden: ['--harden'],
  'dev-to-production': ['--dev-to-production'],
};

const FORMATS = {
  json: ['--format', 'json'],
  sarif: ['--format', 'sarif'],
  diff: ['--format', 'diff'],
  check: ['--check'],
  list: ['-l'],
};

function parseArgs(argv) {
  const o = { mode: argv[0], bin: path.join(ROOT, 'bin', 'dockerize-slim.js'), save: null };
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--bin') o.bin = path.resolve(argv[++i]);
    else if (argv[i] === '--save') o.save = path.resolve(argv[++i]);
    else if (argv[i] === '--only') o.only = new RegExp(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (o.mode !== 'check' && o.mode !== 'record')
    throw new Error('usage: node scripts/corpus.mjs check|record [--bin FILE] [--save DIR]');
  return o;
}

/** Fixture cases (the Dockerfile and its context folder), as the golden tests read them. */
function fixtureCases() {
  const out = [];
  const base = path.join(ROOT, '__tests__', 'fixtures');
  for (const scope of fs.readdirSync(base).sort())
    for (const c of fs.readdirSync(path.join(base, scope)).sort()) {
      const dir = path.join(base, scope, c);
      if (!fs.existsSync(path.join(dir, 'Dockerfile'))) continue;
      const context = path.join(dir, 'context');
      const dockerfile = path.relative(ROOT, dir) + '/Dockerfile';
      out.push({
        name: `${scope}/${c}`,
        args: fs.existsSync(context)
          ? ['--context', path.relative(ROOT, context), dockerfile]
          : [dockerfile],
      });
    }
  return out;
}

function cases() {
  const full = path.join(os.tmpdir(), `dockerize-slim-bench-${TREE_FILES}`);
  const bare = path.join(os.tmpdir(), `dockerize-slim-bench-${TREE_FILES}-bare`);
  generateTree(full, TREE_FILES);
  generateTree(bare, TREE_FILES, { sources: false });
  const slice = Array.from({ length: SLICE_ORGS }, (_, i) => `org-${String(i).padStart(4, '0')}`);
  const out = [];
  for (const [name, options] of Object.entries(OPTION_SETS)) {
    out.push({ name: `fixtures/${name}`, cwd: ROOT, args: [...options, '__tests__/fixtures'] });
    out.push({ name: `examples/${name}`, cwd: ROOT, args: [...options, 'examples'] });
    out.push({ name: `bench-2000/${name}`, cwd: full, args: [...options, ...slice] });
    out.push({ name: `bench-bare-2000/${name}`, cwd: bare, args: [...options, ...slice] });
  }
  for (const [name, args] of Object.entries(FORMATS)) {
    out.push({ name: `fixtures/${name}`, cwd: ROOT, args: [...args, '__tests__/fixtures'] });
    out.push({ name: `examples/${name}`, cwd: ROOT, args: [...args, 'examples'] });
  }
  out.push({ name: 'bench/text', cwd: full, args: ['.'] });
  out.push({ name: 'bench-bare/text', cwd: bare, args: ['.'] });
  out.push({ name: 'bench-2000/jobs-1', cwd: full, args: ['--jobs', '1', ...slice] });
  out.push({ name: 'bench-2000/json', cwd: full, args: ['--format', 'json', ...slice] });
  out.push({ name: 'bench-bare-2000/json', cwd: bare, args: ['--format', 'json', ...slice] });
  for (const c of fixtureCases()) out.push({ name: `fixture/${c.name}`, cwd: ROOT, args: c.args });
  return out;
}

/** The elapsed times are the only bytes that differ between two runs of the same code. */
function normalize(text) {
  return text
    .replace(/( errors? in )\d+\.\d\ds$/gm, '$1<elapsed>')
    .replace(/^(\s*"elapsedMs": )\d+/gm, '$1<elapsed>');
}

function runCase(bin, c) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--no-color', ...c.args], {
      cwd: c.cwd,
      env: { ...process.env, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve(
        `exit ${code}\n--- stdout\n${normalize(Buffer.concat(out).toString('utf8'))}\n--- stderr\n${normalize(Buffer.concat(err).toString('utf8'))}`,
      ),
    );
  });
}

const opts = parseArgs(process.argv.slice(2));
const all = cases().filter((c) => !opts.only || opts.only.test(c.name));
const digests = {};
const started = Date.now();
let next = 0;
async function worker() {
  while (next < all.length) {
    const c = all[next++];
    const text = await runCase(opts.bin, c);
    digests[c.name] = crypto.createHash('sha256').update(text).digest('hex');
    if (opts.save) {
      fs.mkdirSync(opts.save, { recursive: true });
      fs.writeFileSync(path.join(opts.save, c.name.replace(/\//g, '__') + '.out'), text);
    }
  }
}
await Promise.all(Array.from({ length: os.cpus().length }, worker));
const seconds = ((Date.now() - started) / 1000).toFixed(0);
const sortedKeys = (o) =>
  Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
if (opts.mode === 'record') {
  const previous = fs.existsSync(DIGESTS) ? JSON.parse(fs.readFileSync(DIGESTS, 'utf8')) : {};
  const merged = opts.only ? { ...previous.digests, ...digests } : digests;
  fs.mkdirSync(path.dirname(DIGESTS), { recursive: true });
  fs.writeFileSync(
    DIGESTS,
    JSON.stringify(
      {
        note: 'sha256 of each run of scripts/corpus.mjs (exit code, stdout, stderr); node scripts/corpus.mjs record rewrites it',
        digests: sortedKeys(merged),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(
    `corpus: recorded ${all.length} runs in ${seconds} s (${path.relative(ROOT, DIGESTS)})`,
  );
} else {
  const recorded = JSON.parse(fs.readFileSync(DIGESTS, 'utf8')).digests;
  const differ = all.filter((c) => recorded[c.name] !== digests[c.name]);
  for (const c of differ)
    console.log(
      `${recorded[c.name] === undefined ? 'not recorded' : 'differs'}: ${c.name} (cd ${c.cwd} && dockerize-slim ${c.args.join(' ')})`,
    );
  console.log(
    `corpus: ${all.length - differ.length} of ${all.length} runs byte-identical in ${seconds} s`,
  );
  if (differ.length > 0) process.exitCode = 1;
}
