// npm run trial -- LIST.cases.jsonl [options]   run the trial over a case list
// npm run trial -- report                       regenerate docs/trial.md from docs/trial/
// npm run trial -- self-test                    the harness on small repositories it makes itself
//
// A run writes one row per case (JSON lines, in the list's order) and prints the totals. The first
// run of a list writes <list>.results.jsonl; later runs never replace it, they write
// <list>.rerun-<n>.results.jsonl beside it, so the first figure stays as it was.
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { readCases, readRows } from './cases';
import { BatchFiles, Review, RunMeta, trialMarkdown } from './report';
import { printTotals, RunArgs, runTrial } from './run';
import { selfTest } from './self-test';

const ROOT = path.resolve(__dirname, '..');
const TRIAL_DIR = path.join(ROOT, 'docs', 'trial');

const USAGE = `usage:
  npm run trial -- LIST.cases.jsonl [--out FILE] [--mirrors DIR] [--work DIR] [--tool FILE]
                   [--only OWNER/NAME] [--no-docker] [--keep-images] [--start-timeout S]
                   [--observe]
  npm run trial -- report [--dir DIR] [--out FILE]
  npm run trial -- self-test

LIST: one case per line, {"repo": "owner/name", "commit": "<sha>", "dockerfile": "path"} (+ "args").
--mirrors  where the repositories are: <DIR>/<owner>+<name>/repo is a git directory (default
           /work/.mirror, where the fetch tool puts them)
--out      results file (default: <list>.results.jsonl, or <list>.rerun-<n>.results.jsonl when
           that exists: a first run is never replaced)
--tool     the dockerize-slim entry script to try (default: this checkout's bin/dockerize-slim.js)
--no-docker  run the tool only
--observe  trace the original's run from its first instruction (strace on containerd, as
           verify --observe does), check the rewrite's image against what it did, and feed what
           was missing back; rows carry the observation table`;

function parseRunArgs(argv: string[]): RunArgs {
  const args: RunArgs = {
    list: '',
    mirrors: '/work/.mirror',
    work: path.join(os.tmpdir(), 'dockerize-slim-trial'),
    tool: path.join(ROOT, 'bin', 'dockerize-slim.js'),
    docker: true,
    keepImages: false,
    startTimeoutS: 60,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') args.out = value();
    else if (a === '--mirrors') args.mirrors = value();
    else if (a === '--work') args.work = value();
    else if (a === '--tool') args.tool = path.resolve(value());
    else if (a === '--only') args.only = value();
    else if (a === '--no-docker') args.docker = false;
    else if (a === '--keep-images') args.keepImages = true;
    else if (a === '--observe') args.observe = true;
    else if (a === '--start-timeout') args.startTimeoutS = Number(value());
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (args.list === '') args.list = a;
    else throw new Error(`one case list at a time (got ${args.list} and ${a})`);
  }
  if (args.list === '') throw new Error('no case list given');
  return args;
}

/** <list>.results.jsonl for a first run, else the next <list>.rerun-<n>.results.jsonl. */
export function defaultOut(list: string, exists: (p: string) => boolean): string {
  const stem = list.replace(/\.cases\.jsonl$|\.jsonl$/, '');
  const first = `${stem}.results.jsonl`;
  if (!exists(first)) return first;
  for (let n = 1; ; n++) {
    const next = `${stem}.rerun-${n}.results.jsonl`;
    if (!exists(next)) return next;
  }
}

/** The commit of the checkout the tool comes from, with "+changes" when its sources differ from it. */
function toolCommit(tool: string): string {
  const root = path.dirname(path.dirname(tool));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    const sha = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src', 'transforms', 'templates')
      ? `${sha}+changes`
      : sha;
  } catch {
    return tool;
  }
}

function readJsonl<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Every batch in the folder: its lists, its runs (first, then re-runs in order) and its readings. */
export function readBatches(dir: string): BatchFiles[] {
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cases.jsonl'))
    .map((f) => f.replace(/\.cases\.jsonl$/, ''))
    .sort();
  return names.map((name) => {
    const file = (suffix: string) => path.join(dir, `${name}${suffix}`);
    const reruns = fs
      .readdirSync(dir)
      .map((f) =>
        new RegExp(`^${name.replace(/[.]/g, '\\.')}\\.rerun-(\\d+)\\.results\\.jsonl$`).exec(f),
      )
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    const runFiles = [
      ...(fs.existsSync(file('.results.jsonl'))
        ? [{ label: 'first run', file: file('.results.jsonl') }]
        : []),
      ...reruns.map((m) => ({ label: `re-run ${m[1]}`, file: path.join(dir, m[0]) })),
    ];
    const queries = fs.existsSync(file('.queries.txt'))
      ? fs
          .readFileSync(file('.queries.txt'), 'utf8')
          .split('\n')
          .filter((l) => l.trim()).length
      : 0;
    const candidates = readJsonl<{ kept: boolean }>(file('.candidates.jsonl'));
    return {
      name,
      about: fs.existsSync(file('.md')) ? fs.readFileSync(file('.md'), 'utf8') : undefined,
      queries,
      candidates: candidates.length,
      kept: readCases(file('.cases.jsonl')).length,
      runs: runFiles.map((r) => {
        const metaFile = r.file.replace(/\.jsonl$/, '.meta.json');
        return {
          label: r.label,
          meta: fs.existsSync(metaFile)
            ? (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as RunMeta)
            : null,
          rows: readRows(r.file),
        };
      }),
      reviews: readJsonl<Review>(file('.reviews.jsonl')),
    };
  });
}

async function main(argv: string[]): Promise<number> {
  const print = (l: string) => console.log(l);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    print(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === 'report') {
    let dir = TRIAL_DIR;
    let out = path.join(ROOT, 'docs', 'trial.md');
    for (let i = 1; i < argv.length; i++) {
      if (argv[i] === '--dir') dir = path.resolve(argv[++i]);
      else if (argv[i] === '--out') out = path.resolve(argv[++i]);
      else throw new Error(`unknown option ${argv[i]}`);
    }
    const batches = readBatches(dir).filter((b) => b.runs.length > 0);
    const preface = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    fs.writeFileSync(out, trialMarkdown(batches, preface));
    print(`wrote ${path.relative(process.cwd(), out)} (${batches.length} batches)`);
    return 0;
  }
  if (argv[0] === 'self-test') return selfTest(print);
  const args = parseRunArgs(argv);
  const out = args.out ?? defaultOut(args.list, (p) => fs.existsSync(p));
  const partial = `${out}.partial`;
  const rows = await runTrial({ ...args, partial }, print);
  fs.writeFileSync(out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  fs.rmSync(partial, { force: true });
  const meta: RunMeta = {
    toolCommit: toolCommit(args.tool),
    date: new Date().toISOString().slice(0, 10),
    baseImages: args.docker ? 'offline stand-ins (../shared/offline-images)' : 'not built',
  };
  fs.writeFileSync(out.replace(/\.jsonl$/, '.meta.json'), JSON.stringify(meta, null, 2) + '\n');
  print(`wrote ${path.relative(process.cwd(), out)}`);
  printTotals(rows, print);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      console.error(`trial: ${e.message}`);
      process.exitCode = 2;
    },
  );
}
