// The case lists of the real-repository trial (docs/trial/*.cases.jsonl) and the rows a run
// writes (docs/trial/*.results.jsonl): one JSON object per line, read and checked here.
import crypto from 'crypto';
import fs from 'fs';
import type { ObservationRow } from '../../src/verify/observe-check';

export interface TrialCase {
  /** `owner/name` on GitHub. */
  repo: string;
  /** The commit the trial lays out: 40 hex digits (or a prefix git can resolve). */
  commit: string;
  /** The Dockerfile's path inside the repository. */
  dockerfile: string;
  lang?: 'node' | 'go';
  /** Extra arguments for the tool, as a user would add them (`--target slim`). */
  args?: string[];
}

/** What the tool said, as its `--format json` document says it. */
export interface ToolOutcome {
  status: 'changed' | 'unchanged' | 'skipped' | 'error';
  target?: string;
  finalImage?: string;
  /** The build context the tool used, relative to the repository root ('.' for the root). */
  context?: string;
  skip?: { rule: string; class: string; reason: string };
  error?: string;
  edits: string[];
  warnings: string[];
  /** The program the rewrite's final stage starts (its first argv word). */
  program?: string;
  /** Go rewrites: files the runtime folders keep, and how many detection alone would drop. */
  keptFiles?: number;
  undetectedFiles?: number;
}

export interface BuildOutcome {
  ok: boolean;
  /** Why a build failed, as a class (network-go-proxy, alpine-stand-in, ...), and its first error line. */
  failure?: { class: string; detail: string };
  sizeMB?: number;
  /** Go rewrites: the program's size and the final base image's, the floor of what it can weigh. */
  binaryMB?: number;
  baseMB?: number;
}

export interface RunOutcome {
  /** answers: HTTP on a port it listens on; up: stays up, listens on nothing; exits: stopped. */
  state: 'answers' | 'up' | 'exits' | 'low-port-denied';
  port?: number;
  exitCode?: number;
  /** The last meaningful log line when it exits (normalised). */
  log?: string;
  /** When it exits: a digest of what it printed on stdout (normalised). */
  output?: string;
  /**
   * Per probed path: status and a digest of the normalised body ('unstable' when it varies
   * between two asks, 'differs-between-builds' when between two builds of the original).
   */
  answers?: Array<{ path: string; status: number; body: string }>;
  uids?: string[];
  /** Set when this run was in a private network namespace with unprivileged low ports. */
  netns?: boolean;
}

/**
 * The original built a second time without cache and run, when it and its rewrite answered a path
 * with the same status and other bodies: the paths whose body differs between the two builds of
 * the original (a build time stamped into every page) are compared by status only.
 */
export interface RebuildOutcome {
  ok: boolean;
  failure?: { class: string; detail: string };
  /** How the second build ran (answers, up, exits), when it built. */
  state?: RunOutcome['state'];
  /** Paths whose body differs between the two builds of the original. */
  bodiesVary: string[];
}

export type Outcome =
  | 'same'
  | 'low-port-denied-same'
  | 'broke-build'
  | 'broke-start'
  | 'broke-answers'
  | 'original-does-not-build'
  | 'original-does-not-start'
  | 'original-does-not-answer'
  | 'skipped'
  | 'unchanged'
  | 'tool-error'
  | 'not-on-disk'
  | 'not-run';

/** The outcomes that count as a rewrite of a working original that broke it. */
export const BROKE: readonly Outcome[] = ['broke-build', 'broke-start', 'broke-answers'];

export interface TrialRow {
  repo: string;
  commit: string;
  dockerfile: string;
  lang?: string;
  tool: ToolOutcome | null;
  /** Base images the original or the rewrite names that were tagged from an offline stand-in. */
  standIns?: Record<string, string>;
  /** What the harness changed in the build files for this machine (a `# syntax=` line). */
  adjustments?: string[];
  original?: { build: BuildOutcome; run?: RunOutcome; rebuilt?: RebuildOutcome };
  rewrite?: { build: BuildOutcome; run?: RunOutcome };
  /** --observe: what the original was seen to do, against the rewrite's image. */
  observation?: TrialObservation;
  outcome: Outcome;
  /** One line on why, for the report. */
  detail: string;
}

/**
 * trial --observe: the original's run traced from its first instruction (verify --observe's way)
 * and the rewrite's image checked against it; then, when what was missing is fixable, the
 * rewrite with it fed back (common/observed-needs), built, checked and run again.
 */
export interface TrialObservation {
  /** Why it was not observed (no strace or ptrace here, a trace without the entrypoint). */
  skipped?: string;
  start?: string[] | null;
  /** The process the rewrite's start matches; null when none did. */
  app?: string[] | null;
  processes?: number;
  unreadable?: number;
  /** The observation table, without the launchers' rows. */
  rows?: ObservationRow[];
  mismatches?: number;
  byKind?: Partial<Record<string, number>>;
  unfixable?: string[];
  feedback?: {
    /** The rule lines common/observed-needs added. */
    edits: string[];
    /** Mismatches left in the image built with them (null: not read). */
    remaining?: number | null;
    /** How the rewrite with them compares with the original ('skipped': nothing could be added). */
    outcome: Outcome;
    detail: string;
  };
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/;

export function parseCases(text: string, source: string): TrialCase[] {
  const cases: TrialCase[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not a JSON object`);
    }
    const c = value as Partial<TrialCase>;
    if (typeof c.repo !== 'string' || !REPO.test(c.repo))
      throw new Error(`${where}: "repo" must be owner/name`);
    if (typeof c.commit !== 'string' || !/^[0-9a-f]{7,40}$/.test(c.commit))
      throw new Error(`${where}: "commit" must be a commit hash`);
    if (typeof c.dockerfile !== 'string' || c.dockerfile === '' || c.dockerfile.startsWith('/'))
      throw new Error(`${where}: "dockerfile" must be a path inside the repository`);
    if (
      c.args !== undefined &&
      !(Array.isArray(c.args) && c.args.every((a) => typeof a === 'string'))
    )
      throw new Error(`${where}: "args" must be a list of strings`);
    cases.push({
      repo: c.repo,
      commit: c.commit,
      dockerfile: c.dockerfile,
      ...(c.lang ? { lang: c.lang } : {}),
      ...(c.args ? { args: c.args } : {}),
    });
  });
  return cases;
}

export function readCases(file: string): TrialCase[] {
  return parseCases(fs.readFileSync(file, 'utf8'), file);
}

export function readRows(file: string): TrialRow[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TrialRow);
}

/** A short, lowercase, stable name for a case's images and folders. */
export function caseId(c: TrialCase): string {
  const hash = crypto.createHash('sha1').update(`${c.repo}\n${c.dockerfile}`).digest('hex');
  return `trial-${hash.slice(0, 12)}`;
}

/** Where a fetched repository's git directory is under `mirrors` (the fetch tool's layout). */
export function mirrorCandidates(mirrors: string, repo: string): string[] {
  const dir = `${mirrors}/${repo.replace('/', '+')}`;
  return [`${dir}/repo`, `${dir}/repo/.git`, dir, `${dir}/.git`];
}
