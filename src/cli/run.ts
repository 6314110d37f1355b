import { DockerizeError } from '../errors';
import { parseArgs, CliOptions } from './args';
import { NO_COLORS, pickColors } from './colors';
import { discover } from './discover';
import type { Io } from './io';
import path from 'path';
import { displayPath, FileOutcome, processFile } from './process-file';
import { formatNotes, formatSkip, unifiedDiff } from './render';
import { toJsonReport } from './json-report';
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
  } catch (e) {
    io.stderr.write(
      `dockerize-slim: ${(e as Error).message}\nRun dockerize-slim --help for usage.\n`,
    );
    return EXIT.error;
  }
  if (options.command === 'verify') {
    const { runVerify } = await import('./verify');
    return runVerify(options, io);
  }
  return rewrite(options, io);
}

async function rewrite(options: CliOptions, io: Io): Promise<number> {
  const started = io.now();
  const out = pickColors(options.color, io, 'stdout');
  const err = pickColors(options.color, io, 'stderr');
  const found = discover(options.paths, io);
  const outcomes: FileOutcome[] = found.errors.map((e) => ({
    file: e.path,
    display: e.path,
    status: 'error',
    error: { code: e.error.code, message: e.error.message },
  }));
  const transformOptions = { target: options.target, user: options.user, nginx: options.nginx };
  for (const file of found.files)
    outcomes.push(processFile(file, transformOptions, options.context, io));
  outcomes.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  if (found.files.length === 0 && found.errors.length === 0) {
    io.stderr.write(`dockerize-slim: no Dockerfiles found in ${options.paths.join(', ')}\n`);
  }

  for (const o of outcomes) {
    if (o.status === 'changed' && options.write) {
      const created: string[] = [];
      try {
        for (const f of o.result!.newFiles ?? []) {
          const target = path.join(o.contextRoot!, f.path);
          if (createAtomic(target, f.content, io) === 'created') created.push(target);
        }
        writeAtomic(o.file, o.result!.output, o.hash!, io);
      } catch (e) {
        // The Dockerfile is unchanged, so the files made for it are taken back.
        for (const c of created) io.fs.rmSync(c, { force: true });
        const de =
          e instanceof DockerizeError ? e : new DockerizeError('E_WRITE', (e as Error).message);
        o.status = 'error';
        o.error = { code: de.code, message: de.message };
      }
    }
  }

  if (options.format === 'json') {
    io.stdout.write(JSON.stringify(toJsonReport(outcomes, io.now() - started, io), null, 2) + '\n');
  } else {
    for (const o of outcomes) {
      const r = o.result;
      if (o.status === 'error') {
        io.stderr.write(`${o.display}: ${err.red('error')} ${o.error!.message}\n`);
        if (o.error!.stack) io.stderr.write(o.error!.stack + '\n');
        continue;
      }
      if (!r) continue;
      if (o.status === 'skipped') {
        io.stderr.write(formatSkip(o.display, r.skipped!, err));
        continue;
      }
      if (o.status !== 'changed') continue;
      if (options.listDifferent) {
        io.stdout.write(o.display + '\n');
      } else if (options.check) {
        io.stderr.write(`${o.display}: would change (${r.target} -> ${r.finalImage})\n`);
      } else if (options.write) {
        io.stdout.write(
          `${o.display}: ${out.green('rewritten')} (${r.target} -> ${r.finalImage})\n`,
        );
        for (const f of r.newFiles ?? []) {
          io.stdout.write(`${newFileDisplay(o, f.path, io)}: ${out.green('created')}\n`);
        }
        io.stdout.write(formatNotes(r.edits, r.warnings, out));
      } else {
        const colors = options.format === 'diff' && options.color !== true ? NO_COLORS : out;
        io.stdout.write(unifiedDiff(o.display, o.before!, r.output, colors));
        for (const f of r.newFiles ?? []) {
          io.stdout.write(unifiedDiff(newFileDisplay(o, f.path, io), '', f.content, colors, true));
        }
        if (options.format === 'text')
          io.stdout.write(formatNotes(r.edits, r.warnings, out) + '\n');
      }
    }
  }
  io.stderr.write(summaryLine(outcomes, io.now() - started, options) + '\n');
  if (outcomes.some((o) => o.status === 'error')) return EXIT.error;
  if ((options.check || options.listDifferent) && outcomes.some((o) => o.status === 'changed'))
    return EXIT.changesFound;
  return EXIT.ok;
}

function newFileDisplay(o: FileOutcome, rel: string, io: Io): string {
  return displayPath(path.join(o.contextRoot!, rel), io);
}

export function summaryLine(
  outcomes: FileOutcome[],
  elapsedMs: number,
  options: Pick<CliOptions, 'write'>,
): string {
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  const reasons = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status === 'skipped') {
      const rule = o.result!.skipped!.rule;
      reasons.set(rule, (reasons.get(rule) ?? 0) + 1);
    }
  }
  const skipped = count('skipped');
  const detail = [...reasons]
    .sort()
    .map(([r, n]) => `${r}: ${n}`)
    .join(', ');
  const changedWord = options.write ? 'rewritten' : 'would change';
  return `dockerize-slim: ${outcomes.length} file${outcomes.length === 1 ? '' : 's'}: ${count('changed')} ${changedWord}, ${count('unchanged')} unchanged, ${skipped} skipped${skipped ? ` (${detail})` : ''}, ${count('error')} error${count('error') === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(2)}s`;
}
