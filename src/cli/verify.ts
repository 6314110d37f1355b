import fs from 'fs';
import os from 'os';
import path from 'path';
import { analyzeStages, firstExposedPort } from '../dockerfile/stage';
import { parseDockerfile } from '../dockerfile/parse';
import { dockerCli, pickDockerBinary } from '../verify/docker';
import { hasObservedNeeds } from '../../transforms/common/observed-needs';
import { hostView, observeSupport, ObserveSupport } from '../verify/observe';
import {
  ImageReport,
  ImageSurface,
  mb,
  ObservationReport,
  OriginalRun,
  VerifyReport,
  verifyRewrite,
} from '../verify/verify';
import type { CliOptions } from './args';
import { pickColors } from './colors';
import { ComposeContexts } from './compose';
import { ConfigFinder, loadExplicitConfig, RepoConfig } from './config';
import { DirIndex } from './dir-index';
import { discover } from './discover';
import type { Io } from './io';
import { effectiveOptions, JobSettings } from './job';
import { processFile } from './process-file';
import { formatNotes } from './render';
import { writeAtomic, createAtomic } from './write';
import type { ComposeFacts } from './compose';
import type { Note, Skip, TransformOptions, TransformResult } from '../types';
import { RewriteFacts, rewriteFactsOf } from '../verify/observe-check';

/**
 * `dockerize-slim verify`: the end-to-end checks as a user command. Writes only with --write when
 * all pass. Text (or, with --format json, one JSON document) on stdout; progress on stderr.
 */
export async function runVerify(options: CliOptions, io: Io): Promise<number> {
  if (options.format !== 'text' && options.format !== 'json') {
    io.stderr.write(
      `dockerize-slim verify: --format ${options.format} applies to rewrites; verify writes text or json\n`,
    );
    return 2;
  }
  const json = options.format === 'json';
  const colors = pickColors(options.color, io, 'stdout');
  const docker = dockerCli(pickDockerBinary(io.env, (p) => io.fs.existsSync(p)));
  const version = await docker.run(['version', '--format', '{{.Server.Version}}'], {
    timeoutMs: 20_000,
  });
  if (version.code !== 0) {
    io.stderr.write(
      `dockerize-slim verify: no usable Docker engine (${version.stderr.trim().split('\n').pop() || 'docker not found'}); start dockerd or set DOCKER\n`,
    );
    return 2;
  }
  const bridge =
    (await docker.run(['network', 'inspect', 'bridge'], { timeoutMs: 20_000 })).code === 0;
  let support: ObserveSupport | null = null;
  if (options.observe) {
    support = observeSupport({ ...hostView, env: io.env });
    if (!support.ok)
      io.stderr.write(
        `dockerize-slim verify: --observe: cannot observe here: ${support.why}; verifying without observation\n`,
      );
  }
  let explicit: RepoConfig | null = null;
  try {
    if (options.config) explicit = loadExplicitConfig(options.config, io);
  } catch (e) {
    io.stderr.write(`dockerize-slim verify: ${(e as Error).message}\n`);
    return 2;
  }
  // The rewrite verified is the one the rewrite command writes: the same flags, repo config
  // (.dockerize-slim.json) and compose build context.
  const settings: JobSettings = {
    target: options.target,
    user: options.user,
    nginx: options.nginx,
    harden: false,
    devToProduction: options.devToProduction,
    minimal: options.minimal,
    node: options.node,
    context: options.context,
    explicitConfig: explicit,
    lean: false,
    roots: [],
    walkRoots: [],
  };
  const dirs = new DirIndex(
    io,
    options.paths.map((p) => path.resolve(io.cwd, p)),
  );
  const configs = new ConfigFinder(dirs);
  const composeFiles = new ComposeContexts(dirs);
  const found = discover(options.paths, io);
  const entries: VerifyEntry[] = [];
  const text = (line: string) => {
    if (!json) io.stdout.write(line);
  };
  for (const e of found.errors) {
    io.stderr.write(`${e.path}: error ${e.error.message}\n`);
    entries.push(entryOf(e.path, 'error', e.error.message));
  }
  for (const file of found.files) {
    let transformOptions: TransformOptions;
    let compose: ComposeFacts;
    try {
      transformOptions = effectiveOptions(settings, explicit ?? configs.find(path.dirname(file)));
      compose = composeFiles.forDockerfile(file);
    } catch (e) {
      io.stderr.write(`${file}: error ${(e as Error).message}\n`);
      entries.push(entryOf(file, 'error', (e as Error).message));
      continue;
    }
    const contextDir = options.context ?? compose.context ?? undefined;
    const outcome = processFile(file, transformOptions, contextDir, io, dirs, compose);
    if (outcome.status === 'error') {
      io.stderr.write(`${outcome.display}: error ${outcome.error!.message}\n`);
      entries.push(entryOf(outcome.display, 'error', outcome.error!.message));
      continue;
    }
    const r = outcome.result!;
    if (outcome.status !== 'changed') {
      const why = r.skipped ? `skipped: ${r.skipped.reason}` : 'unchanged';
      text(`${outcome.display}: nothing to verify (${why})\n`);
      entries.push(entryOf(outcome.display, 'nothing-to-verify', why));
      continue;
    }
    const port = options.port ?? firstExposedPortOf(outcome.before!);
    if (port === null) {
      io.stderr.write(`${outcome.display}: error no EXPOSE to probe; pass --port\n`);
      entries.push(entryOf(outcome.display, 'error', 'no EXPOSE to probe; pass --port'));
      continue;
    }
    text(
      `${colors.bold(outcome.display)}: ${r.target} -> ${r.finalImage}\n${formatNotes(r.edits, r.warnings, colors)}`,
    );
    const observe = support
      ? { support, facts: observeFacts(r, transformOptions, outcome.contextRoot!, io) }
      : undefined;
    const round = async (rewrite: TransformResult, original?: OriginalRun) => {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-verify-'));
      let kept: OriginalRun | undefined = original;
      try {
        const report = await verifyRewrite(
          docker,
          {
            name: `dockerize-slim-verify-${process.pid}`,
            contextDir: outcome.contextRoot!,
            dockerfilePath: file,
            rewritten: rewrite.output,
            newFiles: rewrite.newFiles ?? [],
            port: port!,
            paths: options.probe,
            env: {},
            shellLess: rewrite.finalHasShell === false,
            network: bridge ? 'bridge' : 'host',
            keep: options.keep,
            workDir,
            ...(observe
              ? {
                  observe: {
                    ...observe,
                    facts: observeFacts(rewrite, transformOptions, outcome.contextRoot!, io),
                  },
                }
              : {}),
            ...(original ? { original } : {}),
          },
          (line) => io.stderr.write(`  ${line}\n`),
          (o) => (kept = o),
        );
        return { report, original: kept };
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    };
    const first = await round(r);
    let report = first.report;
    let rewrite = r;
    text(formatReport(report, colors));
    let feedback: VerifyEntry['feedback'] = null;
    const seen = report.observation;
    if (seen && seen.mismatches > 0 && seen.needs && hasObservedNeeds(seen.needs)) {
      // What observation found missing, fed back into the rewrite (common/observed-needs).
      const fixed = processFile(
        file,
        { ...transformOptions, observed: seen.needs },
        contextDir,
        io,
        dirs,
        compose,
      );
      const added = (fixed.result?.edits ?? []).filter((e) => e.rule === 'common/observed-needs');
      feedback = {
        observation: seen,
        edits: added,
        skipped: fixed.status === 'changed' ? null : (fixed.result?.skipped ?? null),
        verified: false,
      };
      if (seen.unfixable.length > 0) {
        text(
          `  observation: ${seen.unfixable.length} need(s) no change to the rewrite can meet: ${seen.unfixable.join('; ')}\n`,
        );
      } else if (fixed.status !== 'changed' || !fixed.result) {
        text(
          `  observation: what was seen missing cannot be added: ${fixed.result?.skipped?.reason ?? fixed.error?.message ?? fixed.status}\n`,
        );
      } else if (!options.write) {
        text(`  with --write, observation adds to the rewrite:\n${formatNotes(added, [], colors)}`);
      } else if (first.original) {
        text(`  observation fed back into the rewrite:\n${formatNotes(added, [], colors)}`);
        const second = await round(fixed.result, first.original);
        report = second.report;
        rewrite = fixed.result;
        feedback.verified = true;
        text(formatReport(report, colors));
      }
    }
    const passed = !report.error && report.checks.every((c) => c.pass);
    let written = false;
    if (options.write && passed) {
      for (const f of rewrite.newFiles ?? [])
        createAtomic(path.join(outcome.contextRoot!, f.path), f.content, io);
      writeAtomic(file, rewrite.output, outcome.before!, io);
      written = true;
      io.stderr.write(
        `${outcome.display}: written (every check passed${feedback?.verified ? `, with ${feedback.edits.length} addition(s) from observation` : ''})\n`,
      );
    } else if (options.write) {
      io.stderr.write(
        `${outcome.display}: not written (${report.observation && report.observation.unfixable.length > 0 ? `observation found what no rewrite can meet: ${report.observation.unfixable[0]}` : feedback && feedback.skipped ? `observation's needs cannot be added: ${feedback.skipped.reason}` : 'a check failed'})\n`,
      );
    }
    entries.push({
      path: outcome.display,
      status: passed ? 'passed' : 'failed',
      reason: report.error ?? null,
      target: rewrite.target ?? null,
      finalImage: rewrite.finalImage ?? null,
      written,
      report,
      ...(feedback ? { feedback } : {}),
    });
  }
  if (json) io.stdout.write(JSON.stringify(toVerifyJson(entries), null, 2) + '\n');
  let reportFailed = false;
  if (options.report) {
    try {
      io.fs.writeFileSync(path.resolve(io.cwd, options.report), verifyMarkdown(entries));
    } catch (e) {
      io.stderr.write(
        `dockerize-slim verify: cannot write the report ${options.report}: ${(e as Error).message}\n`,
      );
      reportFailed = true;
    }
  }
  return reportFailed || entries.some((e) => e.status === 'failed' || e.status === 'error') ? 2 : 0;
}

function entryOf(file: string, status: VerifyEntry['status'], reason: string): VerifyEntry {
  return {
    path: file,
    status,
    reason,
    target: null,
    finalImage: null,
    written: false,
    report: null,
  };
}

function firstExposedPortOf(source: string): number | null {
  const facts = analyzeStages(parseDockerfile(source));
  return facts ? firstExposedPort(facts) : null;
}

function packagesCell(img: ImageReport): string {
  const p = img.surface?.packages;
  if (!p) return '?';
  if (p.count === null) return 'no package database';
  return `${p.count} (${p.databases.join(', ')})`;
}

function shellsCell(img: ImageReport): string {
  const shells = img.surface?.shells;
  if (!shells) return '?';
  if (shells.length === 0) return 'none';
  return [...new Set(shells.map((p) => path.posix.basename(p)))].join(', ');
}

function runsAsCell(img: ImageReport): string {
  const configured = img.user === '' ? 'USER unset' : `USER ${img.user}`;
  if (img.processUids && img.processUids.length > 0)
    return `uid ${img.processUids.join(', ')} (${configured})`;
  return `uid ${img.uid ?? '?'} (${configured})`;
}

/** Before and after, one row per measure of the attack surface (text, markdown and e2e share it). */
export function surfaceRows(
  before: ImageReport | undefined,
  after: ImageReport | undefined,
): Array<[string, string, string]> {
  const cell = (img: ImageReport | undefined, f: (i: ImageReport) => string) =>
    img ? f(img) : '-';
  const count = (img: ImageReport, f: (s: ImageSurface) => number) =>
    img.surface ? String(f(img.surface)) : '?';
  return [
    [
      'size',
      cell(before, (i) => `${mb(i.sizeBytes)} MB`),
      cell(after, (i) => `${mb(i.sizeBytes)} MB`),
    ],
    ['layers', cell(before, (i) => String(i.layers)), cell(after, (i) => String(i.layers))],
    ['OS packages', cell(before, packagesCell), cell(after, packagesCell)],
    ['shells', cell(before, shellsCell), cell(after, shellsCell)],
    [
      'setuid/setgid files',
      cell(before, (i) => count(i, (s) => s.setuid.length + s.setgid.length)),
      cell(after, (i) => count(i, (s) => s.setuid.length + s.setgid.length)),
    ],
    [
      'files',
      cell(before, (i) => count(i, (s) => s.files)),
      cell(after, (i) => count(i, (s) => s.files)),
    ],
    ['runs as', cell(before, runsAsCell), cell(after, runsAsCell)],
  ];
}

export function formatReport(report: VerifyReport, colors: ReturnType<typeof pickColors>): string {
  const out: string[] = [];
  for (const [label, img] of [
    ['before', report.before],
    ['after', report.after],
  ] as const) {
    if (!img) continue;
    out.push(`  ${label}: ${img.tag} ${mb(img.sizeBytes)} MB`);
    out.push('    SIZE      CREATED BY');
    for (const row of img.history) out.push(`    ${row.size.padEnd(9)} ${row.createdBy}`);
  }
  if (report.before) {
    const rows: Array<[string, string, string]> = [
      ['ATTACK SURFACE', 'BEFORE', 'AFTER'],
      ...surfaceRows(report.before, report.after),
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const r of rows) out.push(`    ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`.trimEnd());
    for (const img of [report.before, report.after])
      if (img?.surfaceError) out.push(`    (${img.tag}: surface not read: ${img.surfaceError})`);
  }
  if (report.observation) out.push(...observationLines(report.observation, colors));
  for (const c of report.checks)
    out.push(`  ${c.pass ? colors.green('pass') : colors.red('FAIL')} ${c.name}: ${c.detail}`);
  if (report.error) out.push(`  ${colors.red('error')} ${report.error}`);
  return out.join('\n') + '\n';
}

const clip = (text: string, width: number) =>
  text.length > width ? `${text.slice(0, width - 3)}...` : text;

/** The observation table: kind, path or program, original, rewrite, verdict (mismatches first). */
export function observationLines(
  o: ObservationReport,
  colors: ReturnType<typeof pickColors>,
): string[] {
  if (o.skipped !== undefined) return [`    observe: not observed: ${o.skipped}`];
  const out = [
    `    OBSERVED: the original from its first instruction (${(o.start ?? []).join(' ') || '?'}), ${o.processes ?? 0} process(es); the rewrite's start ${o.app ? `is ${o.app.join(' ')} there` : 'matched none of them, so every process counts'}${o.unreadable ? `; ${o.unreadable} call(s) unreadable, so needs may be missing` : ''}`,
  ];
  const rows: string[][] = [['KIND', 'PATH OR PROGRAM', 'ORIGINAL', 'REWRITE', 'VERDICT']];
  for (const r of o.rows)
    rows.push([
      r.kind,
      clip(r.subject, 48),
      clip(
        r.original +
          (r.count > 1 && r.verdict === 'ok' && !/\d+ paths/.test(r.original)
            ? ` (x${r.count})`
            : ''),
        40,
      ),
      clip(r.rewrite, 48),
      r.verdict,
    ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  rows.forEach((row, i) => {
    const line = row.map((c, j) => (j < 4 ? c.padEnd(widths[j]) : c)).join('  ');
    const r = i > 0 ? o.rows[i - 1] : null;
    const shown =
      r?.verdict === 'mismatch'
        ? line.replace(/mismatch$/, colors.red('MISMATCH'))
        : r?.verdict === 'warning'
          ? line.replace(/warning$/, colors.yellow('warning'))
          : line;
    out.push(`    ${shown}`);
    if (r?.verdict === 'mismatch')
      out.push(`      ${r.subject}: ${r.original}; ${r.rewrite}; dropped by ${r.rule}; ${r.fix}`);
    if (r?.verdict === 'warning') out.push(`      ${r.subject}: ${r.rewrite}`);
  });
  return out;
}

/** One verified (or not) Dockerfile, as JSON and the markdown report show it. */
export interface VerifyEntry {
  path: string;
  status: 'passed' | 'failed' | 'nothing-to-verify' | 'error';
  reason: string | null;
  target: string | null;
  finalImage: string | null;
  written: boolean;
  report: VerifyReport | null;
  /**
   * verify --observe, when the first rewrite lacked what the original was seen to need: that
   * observation, what feeding it back added (common/observed-needs), or why it could not, and
   * whether the rewrite with the additions was verified (with --write; `report` is then its).
   */
  feedback?: {
    observation: ObservationReport;
    edits: Note[];
    skipped: Skip | null;
    verified: boolean;
  } | null;
}

/** What the observation check needs to know of a rewrite beyond its image. */
function observeFacts(
  r: TransformResult,
  options: TransformOptions,
  contextRoot: string,
  io: Io,
): Omit<RewriteFacts, 'rewrite' | 'user' | 'original'> {
  let packageJson: string | undefined;
  try {
    packageJson = io.fs.readFileSync(path.join(contextRoot, 'package.json'), 'utf8');
  } catch {
    // Not a Node app, or no package.json at the context's root: no devDependencies to name.
  }
  return rewriteFactsOf(r, options, packageJson);
}

export const VERIFY_SCHEMA_VERSION = 1;

/** The `verify --format json` document; its shape is fixed by schema/verify.schema.json. */
export function toVerifyJson(entries: VerifyEntry[]) {
  const count = (s: VerifyEntry['status']) => entries.filter((e) => e.status === s).length;
  return {
    schemaVersion: VERIFY_SCHEMA_VERSION,
    files: entries,
    summary: {
      files: entries.length,
      passed: count('passed'),
      failed: count('failed'),
      nothingToVerify: count('nothing-to-verify'),
      errors: count('error'),
    },
  };
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The markdown report of a verify run: per file, its checks and the attack surface before and after. */
export function verifyMarkdown(entries: VerifyEntry[]): string {
  const out: string[] = ['## dockerize-slim verify', ''];
  const j = toVerifyJson(entries).summary;
  out.push(
    `${j.files} Dockerfile(s): ${j.passed} passed, ${j.failed} failed, ${j.nothingToVerify} nothing to verify, ${j.errors} error(s).`,
    '',
  );
  for (const e of entries) {
    out.push(
      `### \`${e.path}\`: ${e.status}${e.target ? ` (${e.target} -> ${e.finalImage})` : ''}`,
      '',
    );
    if (e.reason) out.push(mdCell(e.reason), '');
    if (!e.report) continue;
    if (e.report.before) {
      out.push('| attack surface | before | after |', '|---|---|---|');
      for (const [k, b, a] of surfaceRows(e.report.before, e.report.after))
        out.push(`| ${k} | ${mdCell(b)} | ${mdCell(a)} |`);
      out.push('');
    }
    if (e.report.checks.length > 0) {
      out.push('| check | result | detail |', '|---|---|---|');
      for (const c of e.report.checks)
        out.push(`| ${c.name} | ${c.pass ? 'pass' : '**FAIL**'} | ${mdCell(c.detail)} |`);
      out.push('');
    }
    if (e.report.error) out.push(`**error:** ${mdCell(e.report.error)}`, '');
    if (e.feedback) {
      out.push(
        `Observation found ${e.feedback.observation.mismatches} need(s) the static rewrite lacked${e.feedback.edits.length > 0 ? `; ${e.feedback.verified ? 'fed back and verified' : 'with --write, added'}:` : '.'}`,
        '',
      );
      for (const n of e.feedback.edits) out.push(`- \`${n.rule}\`: ${mdCell(n.reason)}`);
      if (e.feedback.skipped) out.push(`- cannot be added: ${mdCell(e.feedback.skipped.reason)}`);
      out.push('');
      if (e.feedback.verified)
        out.push(...observationMarkdown(e.feedback.observation, 'the static rewrite'));
    }
    if (e.report.observation)
      out.push(
        ...observationMarkdown(
          e.report.observation,
          e.feedback?.verified ? 'the rewrite written' : 'the rewrite',
        ),
      );
  }
  return out.join('\n');
}

function observationMarkdown(o: ObservationReport, label: string): string[] {
  if (o.skipped !== undefined) return [`Not observed: ${mdCell(o.skipped)}`, ''];
  const out = [
    `Observed (the original traced from its first instruction, \`${mdCell((o.start ?? []).join(' '))}\`) against ${label}: ${o.mismatches} mismatch(es), ${o.warnings} warning(s).`,
    '',
    '| kind | path or program | original | rewrite | verdict |',
    '|---|---|---|---|---|',
  ];
  for (const r of o.rows)
    out.push(
      `| ${r.kind} | \`${mdCell(r.subject)}\` | ${mdCell(r.original)} | ${mdCell(r.rewrite)} | ${r.verdict === 'mismatch' ? `**mismatch** (${r.rule}): ${mdCell(r.fix ?? '')}` : r.verdict} |`,
    );
  out.push('');
  return out;
}
