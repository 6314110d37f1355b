import path from 'path';
import { DockerizeError } from '../errors';
import { parseArgs, CliOptions } from './args';
import { Colors, NO_COLORS, pickColors } from './colors';
import { ConfigFinder, loadExplicitConfig, RepoConfig } from './config';
import { JobSettings } from './job';
import { DirIndex } from './dir-index';
import { Discovered, discoverSteps, inputRoots } from './discover';
import { globBase, isGlob } from './glob';
import type { Io } from './io';
import { Pool } from './pool';
import { comparePaths } from './path-order';
import { displayPath, FileOutcome } from './process-file';
import { colorizeDiff, formatNotes, formatSkip } from './render';
import { classOfSkip, SKIP_CLASSES, SKIP_CLASS_LABELS } from '../skip-class';
import type { Note, SkipClass } from '../types';
import { createAtomic, writeAtomic } from './write';

export const EXIT = { ok: 0, changesFound: 1, error: 2 } as const;

/** The whole CLI as a function: argv in, exit code out, all I/O through `io`. */
export async function run(argv: string[], io: Io, version: string): Promise<number> {
  let options: CliOptions;
  try {
    const parsed = parseArgs(argv, version);
    if ('exit' in parsed) {
      io.stdout.write(parsed.output);
      return parsed.exit;
    }
    options = parsed;
    if (options.interactive && !(io.stdinIsTTY && io.stdout.isTTY && io.prompt)) {
      throw new DockerizeError('E_USAGE', '--interactive needs a terminal on stdin and stdout');
    }
  } catch (e) {
    io.stderr.write(
      `dockerize-slim: ${(e as Error).message}\nRun dockerize-slim --help for usage.\n`,
    );
    return EXIT.error;
  }
  if (options.command === 'verify') {
    // Required, not imported: verify is a bundle of its own, which a rewrite never loads.
    const { runVerify } = require('./verify') as typeof import('./verify');
    return runVerify(options, io);
  }
  return rewrite(options, io, version);
}

async function rewrite(options: CliOptions, given: Io, version: string): Promise<number> {
  const batched = batchedOutput(given);
  try {
    return await rewriteFiles(options, batched.io, version);
  } finally {
    batched.flush();
  }
}

/** Text gathered for a pipe or a file until it is this long, then written at once. */
const BATCH_CHARS = 64 * 1024;

/**
 * Output to a pipe or a file, gathered into writes of up to BATCH_CHARS: writing each file's
 * diff as it comes is a few system calls per file. One stream's text is written out before the
 * other's is taken, so the two keep their order where they meet (2>&1). A terminal gets each
 * line as it comes.
 */
function batchedOutput(io: Io): { io: Io; flush(): void } {
  if (io.stdout.isTTY || io.stderr.isTTY) return { io, flush() {} };
  let target: 'stdout' | 'stderr' = 'stdout';
  let parts: string[] = [];
  let chars = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    chars = 0;
    io[target].write(text);
  };
  const stream = (name: 'stdout' | 'stderr') => ({
    isTTY: false,
    write(text: string) {
      if (name !== target) {
        flush();
        target = name;
      }
      parts.push(text);
      chars += text.length;
      if (chars >= BATCH_CHARS) flush();
    },
  });
  return { io: { ...io, stdout: stream('stdout'), stderr: stream('stderr') }, flush };
}

async function rewriteFiles(options: CliOptions, io: Io, version: string): Promise<number> {
  const started = io.now();
  const out = pickColors(options.color, io, 'stdout');
  const err = pickColors(options.color, io, 'stderr');
  let explicit: RepoConfig | null = null;
  try {
    if (options.config) explicit = loadExplicitConfig(options.config, io);
  } catch (e) {
    io.stderr.write(`dockerize-slim: ${(e as Error).message}\n`);
    return EXIT.error;
  }
  const inputs = options.context ? [...options.paths, options.context] : options.paths;
  const roots = inputRoots(inputs, io);
  const walkRoots = [
    ...roots,
    ...inputs.map((p) => path.resolve(io.cwd, isGlob(p) ? globBase(p) : p)),
  ];
  const dirs = new DirIndex(io, walkRoots);
  const holdsOutput =
    options.format === 'json' || options.format === 'sarif' || options.interactive;
  // A progress line only while nothing else reaches the terminal: streamed output shows progress.
  const progress = holdsOutput && showProgress(io);
  // What is kept of each outcome after it is printed: everything for the JSON document and the
  // interactive review, the rules and reasons for SARIF and the report, otherwise only the counts.
  const keep: 'all' | 'facts' | 'none' =
    options.format === 'json' || options.interactive
      ? 'all'
      : options.format === 'sarif' || options.report
        ? 'facts'
        : 'none';
  const settings: JobSettings = {
    target: options.target,
    user: options.user,
    nginx: options.nginx,
    harden: options.harden,
    devToProduction: options.devToProduction,
    minimal: options.minimal,
    node: options.node,
    context: options.context,
    explicitConfig: explicit,
    lean: !options.write && !options.interactive,
    keep,
    roots,
    walkRoots,
  };
  const kept: FileOutcome[] = [];
  const counts = new SummaryCounts();
  const accept = (o: FileOutcome) => {
    if (options.write && !options.interactive && o.status === 'changed') writeOutcome(o, io);
    if (!holdsOutput) printOutcome(o, options, io, out, err);
    else if (progress) io.stderr.write(`\r\u001b[K[${counts.files + 1}] files`);
    counts.add(o);
    if (keep === 'all') kept.push(o);
    else if (keep === 'facts') kept.push(factsOf(o));
  };
  const pool = new Pool(options.jobs ?? io.cpus(), settings, io, dirs, accept);
  const configs = explicit ? undefined : new ConfigFinder(dirs);
  /** The config of a file's folder, which the walk has read on its way there. */
  const configOf = (file: string): RepoConfig | null | undefined => {
    if (!configs) return undefined;
    try {
      return configs.find(path.dirname(file));
    } catch {
      // The file's run reports the broken config as its error.
      return undefined;
    }
  };
  const steps = discoverSteps(options.paths, io, {
    excludes: [...options.exclude, ...(explicit?.exclude ?? [])],
    configs,
    dirs,
    onFile: (file) => pool.add(file, configOf(file)),
    onError: (e) =>
      pool.addResolved({
        file: e.path,
        display: e.path,
        status: 'error',
        error: { code: e.error.code, message: e.error.message },
      }),
    onOutside: (link) =>
      pool.addResolved({
        file: link.path,
        display: displayPath(link.path, io),
        status: 'skipped',
        result: {
          output: '',
          changed: false,
          edits: [],
          warnings: [],
          skipped: {
            rule: 'common/symlink-outside',
            class: 'unsafe',
            reason: `a symlink to ${link.target}, outside the paths given: not read, not written`,
            suggestion: 'name the file itself on the command line to follow the link',
          },
        },
      }),
  });
  let found: Discovered;
  for (;;) {
    const step = steps.next();
    if (step.done) {
      found = step.value;
      break;
    }
    const turn = pool.between(step.value);
    if (turn) await turn;
  }
  await pool.finish();
  if (progress) io.stderr.write('\r\u001b[K');
  if (found.files.length === 0 && found.errors.length === 0) {
    io.stderr.write(`dockerize-slim: no Dockerfiles found in ${options.paths.join(', ')}\n`);
  }
  // Discovery walks in path order; the documents below promise it whatever the inputs' order.
  kept.sort((a, b) => comparePaths(a.display, b.display));

  if (options.interactive) {
    await reviewInteractively(kept, io, out);
    for (const o of kept) printOutcome(o, options, io, out, err);
  }
  // The documents are required where they are written: a dry run loads none of them (each is a
  // bundle of its own in dist/, see scripts/build.mjs).
  if (options.format === 'json') {
    const { toJsonReport } = require('./json-report') as typeof import('./json-report');
    io.stdout.write(JSON.stringify(toJsonReport(kept, io.now() - started, io), null, 2) + '\n');
  } else if (options.format === 'sarif') {
    const { toSarif } = require('./sarif-report') as typeof import('./sarif-report');
    io.stdout.write(JSON.stringify(toSarif(kept, version, io), null, 2) + '\n');
  }
  if (options.report) {
    const { markdownReport } = require('./report') as typeof import('./report');
    try {
      io.fs.writeFileSync(path.resolve(io.cwd, options.report), markdownReport(kept, io));
    } catch (e) {
      io.stderr.write(
        `dockerize-slim: cannot write the report ${options.report}: ${(e as Error).message}\n`,
      );
      counts.add({
        file: options.report,
        display: options.report,
        status: 'error',
        error: { code: 'E_WRITE', message: 'report not written' },
      });
    }
  }
  io.stderr.write(summaryLine(counts, io.now() - started, options) + '\n');
  if (counts.errors > 0) return EXIT.error;
  if ((options.check || options.listDifferent) && counts.changed > 0) return EXIT.changesFound;
  return EXIT.ok;
}

/** An outcome without its texts (diffs, contents): what SARIF and the report read. */
function factsOf(o: FileOutcome): FileOutcome {
  const r = o.result;
  return {
    file: o.file,
    display: o.display,
    status: o.status,
    contextRoot: o.contextRoot,
    written: o.written,
    error: o.error,
    result: r && {
      ...r,
      output: '',
      contract: undefined,
      newFiles: r.newFiles?.map((f) => ({ path: f.path, content: '' })),
    },
  };
}

function showProgress(io: Io): boolean {
  return io.stdout.isTTY && io.stderr.isTTY && !io.env.CI;
}

/** New files first (so the Dockerfile never points at a missing one), then the Dockerfile. */
function writeOutcome(o: FileOutcome, io: Io): void {
  const created: string[] = [];
  try {
    for (const f of o.result!.newFiles ?? []) {
      const target = path.join(o.contextRoot!, f.path);
      if (createAtomic(target, f.content, io) === 'created') created.push(target);
    }
    writeAtomic(o.file, o.result!.output, o.before!, io);
    o.written = true;
  } catch (e) {
    // The Dockerfile is unchanged, so the files made for it are taken back.
    for (const c of created) io.fs.rmSync(c, { force: true });
    const de =
      e instanceof DockerizeError ? e : new DockerizeError('E_WRITE', (e as Error).message);
    o.status = 'error';
    o.error = { code: de.code, message: de.message };
  }
}

async function reviewInteractively(outcomes: FileOutcome[], io: Io, out: Colors): Promise<void> {
  for (const o of outcomes) {
    if (o.status !== 'changed') continue;
    io.stdout.write(diffText(o, out) + formatNotes(o.result!.edits, o.result!.warnings, out));
    for (;;) {
      const answer = (
        (await io.prompt!(`Write ${o.display}? [y]es / [n]o / [d]iff again / [q]uit: `)) ?? 'q'
      )
        .trim()
        .toLowerCase();
      if (answer === 'y' || answer === 'yes') {
        writeOutcome(o, io);
        break;
      }
      if (answer === 'n' || answer === 'no' || answer === '') break;
      if (answer === 'd' || answer === 'diff') {
        io.stdout.write(diffText(o, out));
        continue;
      }
      if (answer === 'q' || answer === 'quit') return;
    }
  }
}

function diffText(o: FileOutcome, colors: Colors): string {
  return colorizeDiff((o.diff ?? '') + (o.newFileDiffs ?? []).join(''), colors);
}

function printOutcome(o: FileOutcome, options: CliOptions, io: Io, out: Colors, err: Colors): void {
  const r = o.result;
  if (o.status === 'error') {
    io.stderr.write(`${o.display}: ${err.red('error')} ${o.error!.message}\n`);
    if (o.error!.stack) io.stderr.write(o.error!.stack + '\n');
    return;
  }
  if (!r) return;
  if (o.status === 'skipped') {
    io.stderr.write(formatSkip(o.display, r.skipped!, err));
    return;
  }
  if (o.status !== 'changed') return;
  if (options.listDifferent) {
    io.stdout.write(o.display + '\n');
  } else if (options.check) {
    io.stderr.write(`${o.display}: would change (${r.target ?? 'hardened'} -> ${r.finalImage})\n`);
    io.stderr.write(warningLines(o.display, r.warnings, err));
  } else if (options.write || options.interactive) {
    const verb = o.written ? out.green('rewritten') : 'not written';
    io.stdout.write(`${o.display}: ${verb} (${r.target ?? 'hardened'} -> ${r.finalImage})\n`);
    if (o.written)
      for (const f of r.newFiles ?? [])
        io.stdout.write(`${newFileDisplay(o, f.path, io)}: ${out.green('created')}\n`);
    if (options.write) io.stdout.write(formatNotes(r.edits, r.warnings, out));
  } else {
    io.stdout.write(
      diffText(o, options.format === 'diff' && options.color !== true ? NO_COLORS : out),
    );
    if (options.format === 'text') io.stdout.write(formatNotes(r.edits, r.warnings, out) + '\n');
    // The patch alone stays on stdout, machine-readable; what to review goes to stderr.
    else io.stderr.write(warningLines(o.display, r.warnings, err));
  }
}

/** One line per warning, prefixed with the file: `Dockerfile: ! common/low-port: ...`. */
function warningLines(display: string, warnings: Note[], colors: Colors): string {
  return warnings
    .map((w) => `${display}: ${colors.yellow('!')} ${colors.yellow(w.rule)}: ${w.reason}\n`)
    .join('');
}

export function newFileDisplay(o: FileOutcome, rel: string, io: Io): string {
  return displayPath(path.join(o.contextRoot!, rel), io);
}

/** What the summary line and the exit code need of every outcome, kept as counts. */
export class SummaryCounts {
  files = 0;
  changed = 0;
  unchanged = 0;
  skipped = 0;
  errors = 0;
  readonly skippedRules = new Map<SkipClass, Map<string, number>>();

  add(o: FileOutcome): void {
    this.files++;
    if (o.status === 'changed') this.changed++;
    else if (o.status === 'unchanged') this.unchanged++;
    else if (o.status === 'error') this.errors++;
    else {
      this.skipped++;
      const skip = o.result!.skipped!;
      const c = classOfSkip(skip);
      const rules = this.skippedRules.get(c) ?? new Map<string, number>();
      rules.set(skip.rule, (rules.get(skip.rule) ?? 0) + 1);
      this.skippedRules.set(c, rules);
    }
  }
}

export function summaryLine(
  counts: SummaryCounts,
  elapsedMs: number,
  options: Pick<CliOptions, 'write'>,
): string {
  const detail = SKIP_CLASSES.map((c) => {
    const rules = counts.skippedRules.get(c);
    if (!rules) return null;
    const n = [...rules.values()].reduce((a, b) => a + b, 0);
    const list = [...rules]
      .sort()
      .map(([r, k]) => `${r}: ${k}`)
      .join(', ');
    return `${n} ${SKIP_CLASS_LABELS[c]} [${list}]`;
  })
    .filter((d) => d !== null)
    .join('; ');
  const changedWord = options.write ? 'rewritten' : 'would change';
  const { files, skipped, errors } = counts;
  return `dockerize-slim: ${files} file${files === 1 ? '' : 's'}: ${counts.changed} ${changedWord}, ${counts.unchanged} unchanged, ${skipped} skipped${skipped ? ` (${detail})` : ''}, ${errors} error${errors === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(2)}s`;
}
