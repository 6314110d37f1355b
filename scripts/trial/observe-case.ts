// trial --observe: the original's run was traced from its first instruction (run-case.ts); here
// the rewrite's image is checked against it as verify --observe checks it, and what was seen
// missing is fed back (common/observed-needs), the rewrite with it built, checked and run, and
// compared with the original like the rewrite was.
import fs from 'fs';
import path from 'path';
import { parseArgs } from '../../src/cli/args';
import { ConfigFinder } from '../../src/cli/config';
import { DirIndex } from '../../src/cli/dir-index';
import { processIo } from '../../src/cli/io';
import { effectiveOptions } from '../../src/cli/job';
import { processFile } from '../../src/cli/process-file';
import type { TransformOptions } from '../../src/types';
import type { Docker } from '../../src/verify/docker';
import {
  ImageIndex,
  ImageIndexScanner,
  IndexOptions,
  resolveImageUser,
} from '../../src/verify/image-index';
import { observe, Observation } from '../../src/verify/observation';
import {
  checkObservation,
  ObservationRow,
  RewriteFacts,
  rewriteFactsOf,
} from '../../src/verify/observe-check';
import { hasObservedNeeds } from '../../transforms/common/observed-needs';
import type { Trace } from '../../src/verify/trace';
import type { Outcome, RunOutcome, TrialCase, TrialObservation, TrialRow } from './cases';
import { compareRuns } from './compare';
import type { TrialSettings } from './run-case';

export interface ObserveContext {
  docker: Docker;
  settings: TrialSettings;
  /** The laid-out repository (original and rewritten) and the build context inside it. */
  dirs: { original: string; rewrite: string; context: string };
  tags: { original: string; rewrite: string; fixed: string };
  id: string;
  /** The original's run the rewrite was compared with. */
  original: RunOutcome;
  network: 'host' | 'netns';
  runImage(tag: string, name: string, network: 'host' | 'netns'): Promise<RunOutcome>;
  log(text: string): void;
  /** false: the original itself fails, so nothing is fed back and compared. */
  feedback?: boolean;
}

async function indexImage(
  docker: Docker,
  tag: string,
  options: IndexOptions,
): Promise<ImageIndex | null> {
  const created = await docker.run(['create', '--network', 'none', tag, '/never-runs']);
  if (created.code !== 0) return null;
  const id = created.stdout.trim();
  const scanner = new ImageIndexScanner(options);
  const exported = await docker.stream(['export', id], (chunk) => scanner.push(chunk));
  await docker.run(['rm', '-f', id]);
  return exported.code === 0 ? scanner.result() : null;
}

/** The tool's options for this case, as its command line and the repository's config give them. */
function caseOptions(c: TrialCase, dockerfile: string): TransformOptions {
  const io = processIo();
  const cli = parseArgs([...(c.args ?? []), dockerfile], 'trial');
  if ('exit' in cli) return {};
  const root = path.dirname(dockerfile);
  const config = new ConfigFinder(new DirIndex(io, [root])).find(root);
  return effectiveOptions(
    {
      target: cli.target,
      user: cli.user,
      nginx: cli.nginx,
      harden: cli.harden,
      devToProduction: cli.devToProduction,
      minimal: cli.minimal,
      node: cli.node,
      explicitConfig: null,
      lean: false,
      roots: [],
      walkRoots: [],
    },
    config,
  );
}

function packageJsonOf(contextDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(contextDir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
}

function check(
  o: Observation,
  facts: Omit<RewriteFacts, 'rewrite' | 'user' | 'original'>,
  rewrite: ImageIndex,
  original: ImageIndex | null,
  user: string,
) {
  const u = resolveImageUser(rewrite, user);
  return u ? checkObservation(o, { ...facts, rewrite, user: u, original }) : null;
}

/** The rows a trial keeps: what was not fine, and what was, by kind (no timings, no pids). */
function keptRows(rows: ObservationRow[]): ObservationRow[] {
  return rows.filter((r) => r.verdict !== 'launcher');
}

export async function observeCase(
  c: TrialCase,
  row: TrialRow,
  traced: { trace?: Trace; error?: string },
  x: ObserveContext,
): Promise<TrialObservation> {
  if (!traced.trace) return { skipped: traced.error ?? 'the original was not traced' };
  const file = path.join(x.dirs.original, c.dockerfile);
  const options = caseOptions(c, file);
  const io = processIo();
  const context = path.join(x.dirs.original, x.dirs.context);
  const first = processFile(file, options, context, io);
  const r = first.result;
  if (!r || first.status !== 'changed') return { skipped: 'the tool did not rewrite it here' };
  const o = observe(traced.trace, r.contract?.after.argv ?? null);
  const user = (
    await x.docker.run(['image', 'inspect', '-f', '{{.Config.User}}', x.tags.rewrite])
  ).stdout.trim();
  const originalIndex = await indexImage(x.docker, x.tags.original, { packages: true });
  const rewriteIndex = await indexImage(x.docker, x.tags.rewrite, { heads: true });
  if (!rewriteIndex) return { skipped: "the rewrite's file system could not be read" };
  const packageJson = packageJsonOf(context);
  const facts = rewriteFactsOf(r, options, packageJson);
  const c1 = check(o, facts, rewriteIndex, originalIndex, user);
  if (!c1) return { skipped: `the rewrite's USER ${user} is not in its /etc/passwd` };
  const result: TrialObservation = {
    start: o.start.argv,
    app: o.app?.argv ?? null,
    processes: o.processes.length,
    ...(o.unreadable > 0 ? { unreadable: o.unreadable } : {}),
    rows: keptRows(c1.rows),
    mismatches: c1.mismatches,
    byKind: c1.byKind,
    unfixable: c1.unfixable,
  };
  if (
    x.feedback === false ||
    c1.mismatches === 0 ||
    !hasObservedNeeds(c1.needs) ||
    c1.unfixable.length > 0
  )
    return result;

  // Feedback: the rewrite with what observation found, built in a copy of the rewritten tree.
  const fixed = processFile(file, { ...options, observed: c1.needs }, context, io);
  const edits = (fixed.result?.edits ?? [])
    .filter((e) => e.rule === 'common/observed-needs')
    .map((e) => e.reason);
  if (fixed.status !== 'changed' || !fixed.result) {
    result.feedback = {
      edits,
      outcome: 'skipped',
      detail: fixed.result?.skipped?.reason ?? fixed.error?.message ?? fixed.status,
    };
    return result;
  }
  const dir = path.join(path.dirname(x.dirs.rewrite), 'observed');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(x.dirs.rewrite, dir, { recursive: true, verbatimSymlinks: true });
  fs.writeFileSync(path.join(dir, c.dockerfile), fixed.result.output);
  const built = await x.docker.run(
    [
      'build',
      '--network',
      'host',
      '--progress',
      'plain',
      '-f',
      path.join(dir, c.dockerfile),
      '-t',
      x.tags.fixed,
      path.join(dir, x.dirs.context),
    ],
    { timeoutMs: x.settings.buildTimeoutMs },
  );
  x.log(`$ docker build (observed needs fed back) (exit ${built.code})`);
  if (built.code !== 0) {
    result.feedback = {
      edits,
      outcome: 'broke-build',
      detail: built.stderr.trim().split('\n').slice(-2).join(' | '),
    };
    return result;
  }
  const fixedIndex = await indexImage(x.docker, x.tags.fixed, { heads: true });
  const fixedUser = (
    await x.docker.run(['image', 'inspect', '-f', '{{.Config.User}}', x.tags.fixed])
  ).stdout.trim();
  const c2 = fixedIndex
    ? check(
        o,
        rewriteFactsOf(fixed.result, options, packageJson),
        fixedIndex,
        originalIndex,
        fixedUser,
      )
    : null;
  const run = await x.runImage(x.tags.fixed, `${x.id}-observed`, x.network);
  const verdict: { same: boolean; outcome: Outcome; detail: string } =
    x.original.state === 'exits'
      ? run.state === 'exits' &&
        run.exitCode === x.original.exitCode &&
        run.output === x.original.output
        ? { same: true, outcome: 'same', detail: 'both run to completion alike' }
        : {
            same: false,
            outcome: 'broke-answers',
            detail: `the rewrite ${run.state} (${run.exitCode ?? ''})`,
          }
      : compareRuns(x.original, run);
  result.feedback = {
    edits,
    remaining: c2?.mismatches ?? null,
    outcome: verdict.same ? 'same' : verdict.outcome,
    detail: verdict.detail,
  };
  if (row.outcome !== 'same' && verdict.same)
    x.log(`observed needs fed back: the rewrite now behaves as the original`);
  return result;
}
