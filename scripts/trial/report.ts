// docs/trial.md, generated from the committed case lists, results and readings in docs/trial/.
// Pure: the files' contents in, markdown out; main.ts does the reading and writing.
import { BROKE, Outcome, TrialRow } from './cases';

export interface Review {
  repo: string;
  dockerfile: string;
  /** right: the rewrite, read against the repository, does what the original does. */
  verdict: 'right' | 'wrong';
  why: string;
  /** The run whose rewrite was read (`first run`, `re-run 1`), and the tool's commit. */
  run?: string;
}

export interface RunMeta {
  /** The tool's commit and whether its work tree had changes. */
  toolCommit: string;
  date: string;
  baseImages: string;
}

export interface BatchFiles {
  name: string;
  /** Free text: where the cases came from (queries, date, candidates), from <batch>.md if present. */
  about?: string;
  queries: number;
  candidates: number;
  kept: number;
  runs: Array<{ label: string; meta: RunMeta | null; rows: TrialRow[] }>;
  reviews: Review[];
}

export interface Totals {
  tried: number;
  changed: number;
  skipped: number;
  unchanged: number;
  errors: number;
  notOnDisk: number;
  skippedByClass: Record<string, number>;
  /** Rewritten, and the original fails to build here. */
  originalDoesNotBuild: number;
  buildFailures: Record<string, number>;
  /** Rewritten, the original builds and exits at start (it cannot start as it is). */
  originalDoesNotStart: number;
  /** Rewritten, and the original builds and stays up or answers: the rewrites that can be judged. */
  working: number;
  same: number;
  lowPortSame: number;
  broke: TrialRow[];
  /** Skips whose original builds and stays up or answers here, by class. */
  skipsOfWorking: Record<string, number>;
  /** --observe: rewrites whose original was observed, those lacking an observed need, by kind. */
  observed: number;
  observedMismatched: number;
  mismatchesByKind: Record<string, number>;
  /** Lacking one, and the same as the original once the observation was fed back. */
  fixedByFeedback: number;
}

/**
 * A rewrite of a working original: the original built and answered, stayed up or ran to
 * completion, so the rewrite was compared with it (same, or broke).
 */
const isJudged = (r: TrialRow) =>
  r.outcome === 'same' || r.outcome === 'low-port-denied-same' || BROKE.includes(r.outcome);
/** A skipped original that builds and then answers or stays up here. */
const isServing = (r: TrialRow) =>
  r.original?.build.ok === true &&
  (r.original.run?.state === 'answers' || r.original.run?.state === 'up');

export function totalsOf(rows: TrialRow[]): Totals {
  const t: Totals = {
    tried: rows.length,
    changed: 0,
    skipped: 0,
    unchanged: 0,
    errors: 0,
    notOnDisk: 0,
    skippedByClass: {},
    originalDoesNotBuild: 0,
    buildFailures: {},
    originalDoesNotStart: 0,
    working: 0,
    same: 0,
    lowPortSame: 0,
    broke: [],
    skipsOfWorking: {},
    observed: 0,
    observedMismatched: 0,
    mismatchesByKind: {},
    fixedByFeedback: 0,
  };
  for (const r of rows) {
    if (r.outcome === 'not-on-disk') t.notOnDisk++;
    const status = r.tool?.status;
    if (status === 'changed') t.changed++;
    else if (status === 'skipped') {
      t.skipped++;
      const c = r.tool!.skip!.class;
      t.skippedByClass[c] = (t.skippedByClass[c] ?? 0) + 1;
      if (isServing(r)) t.skipsOfWorking[c] = (t.skipsOfWorking[c] ?? 0) + 1;
    } else if (status === 'unchanged') t.unchanged++;
    else if (status === 'error') t.errors++;
    if (status !== 'changed') continue;
    if (r.original && !r.original.build.ok) {
      t.originalDoesNotBuild++;
      const c = r.original.build.failure!.class;
      t.buildFailures[c] = (t.buildFailures[c] ?? 0) + 1;
    }
    if (r.outcome === 'original-does-not-start') t.originalDoesNotStart++;
    const o = r.observation;
    if (o && o.skipped === undefined) {
      t.observed++;
      if ((o.mismatches ?? 0) > 0) t.observedMismatched++;
      for (const [k, n] of Object.entries(o.byKind ?? {}))
        t.mismatchesByKind[k] = (t.mismatchesByKind[k] ?? 0) + (n ?? 0);
      if (o.feedback?.outcome === 'same' && o.feedback.remaining === 0) t.fixedByFeedback++;
    }
    if (isJudged(r)) {
      t.working++;
      if (r.outcome === 'same') t.same++;
      if (r.outcome === 'low-port-denied-same') t.lowPortSame++;
      if (BROKE.includes(r.outcome)) t.broke.push(r);
    }
  }
  return t;
}

const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const counts = (m: Record<string, number>) =>
  Object.keys(m).length === 0
    ? '0'
    : Object.entries(m)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');

function totalsTable(runs: BatchFiles['runs']): string[] {
  const all = runs.map((r) => totalsOf(r.rows));
  const head = `| | ${runs.map((r) => `${r.label}${r.meta ? ` (tool ${r.meta.toolCommit}, ${r.meta.date})` : ''}`).join(' | ')} |`;
  const line = (label: string, f: (t: Totals) => string) =>
    `| ${label} | ${all.map((t) => cell(f(t))).join(' | ')} |`;
  return [
    head,
    `|---|${runs.map(() => '--:').join('|')}|`,
    line('tried', (t) => String(t.tried)),
    line(
      'rewritten / skipped / unchanged / error',
      (t) => `${t.changed} / ${t.skipped} / ${t.unchanged} / ${t.errors}`,
    ),
    line('skips by class', (t) => counts(t.skippedByClass)),
    line(
      'rewritten, original does not build here',
      (t) => `${t.originalDoesNotBuild} (${counts(t.buildFailures)})`,
    ),
    line('rewritten, original builds and exits at start', (t) => String(t.originalDoesNotStart)),
    line('**rewrites of working originals**', (t) => String(t.working)),
    line('... same behaviour', (t) => String(t.same)),
    line('... same once low ports are allowed (host networking denies them to non-root)', (t) =>
      String(t.lowPortSame),
    ),
    line('... **broke**', (t) => String(t.broke.length)),
    line('skips of originals that work here, by class', (t) => counts(t.skipsOfWorking)),
    ...(all.some((t) => t.observed > 0)
      ? [
          line('originals observed (--observe)', (t) => String(t.observed)),
          line(
            '... rewrites lacking an observed need (mismatches by kind)',
            (t) => `${t.observedMismatched} (${counts(t.mismatchesByKind)})`,
          ),
          line('... fixed by feeding the observation back', (t) => String(t.fixedByFeedback)),
        ]
      : []),
  ];
}

function toolCell(r: TrialRow): string {
  const t = r.tool;
  if (!t) return r.outcome;
  if (t.status === 'changed') return `rewritten (${t.target})`;
  if (t.status === 'skipped') return `skipped ${t.skip!.rule}`;
  if (t.status === 'error') return `error`;
  return t.status;
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  same: 'same',
  'low-port-denied-same': 'same (low port)',
  'broke-build': '**broke: build**',
  'broke-start': '**broke: start**',
  'broke-answers': '**broke: answers**',
  'original-does-not-build': 'original does not build here',
  'original-does-not-start': 'original exits at start',
  'original-does-not-answer': 'original does not answer',
  skipped: 'skipped',
  unchanged: 'unchanged',
  'tool-error': 'tool error',
  'not-on-disk': 'not on disk',
  'not-run': 'not run',
};

function dockerCell(r: TrialRow): string {
  if (r.outcome === 'original-does-not-build' || (r.original && !r.original.build.ok))
    return `original does not build (${r.original?.build.failure?.class ?? '?'})`;
  if (r.outcome === 'skipped' || r.outcome === 'unchanged') {
    const run = r.original?.run;
    return run ? `original ${run.state === 'exits' ? 'exits' : run.state}` : '-';
  }
  return OUTCOME_TEXT[r.outcome];
}

export function batchMarkdown(b: BatchFiles): string[] {
  const out: string[] = [`## ${b.name}`, ''];
  if (b.about) out.push(b.about.trim(), '');
  out.push(
    `${b.queries} search queries, ${b.candidates} candidates returned, ${b.kept} kept (the rest dropped with a reason: \`${b.name}.candidates.jsonl\`).`,
    '',
  );
  out.push(...totalsTable(b.runs), '');
  const first = b.runs[0];
  const last = b.runs[b.runs.length - 1];
  const firstTotals = totalsOf(first.rows);
  if (firstTotals.broke.length > 0) {
    out.push(`Broke in the ${first.label}:`, '');
    for (const r of firstTotals.broke)
      out.push(`- ${r.repo} \`${r.dockerfile}\`: ${OUTCOME_TEXT[r.outcome]}: ${cell(r.detail)}`);
    out.push('');
  }
  if (last !== first) {
    const lastTotals = totalsOf(last.rows);
    out.push(
      lastTotals.broke.length === 0
        ? `Broke in the latest run (${last.label}): none.`
        : `Broke in the latest run (${last.label}):`,
      '',
    );
    for (const r of lastTotals.broke)
      out.push(`- ${r.repo} \`${r.dockerfile}\`: ${OUTCOME_TEXT[r.outcome]}: ${cell(r.detail)}`);
    if (lastTotals.broke.length > 0) out.push('');
  }
  const observedRows = last.rows.filter((r) => (r.observation?.mismatches ?? 0) > 0);
  if (observedRows.length > 0) {
    out.push(
      `Needs the original was seen to have that its rewrite lacked (${last.label}, --observe):`,
      '',
    );
    for (const r of observedRows) {
      const o = r.observation!;
      const lacks = (o.rows ?? [])
        .filter((x) => x.verdict === 'mismatch')
        .map((x) => `${x.kind} \`${x.subject}\` (${x.rule}: ${x.fix})`)
        .join('; ');
      const fed = o.feedback
        ? `; fed back: ${o.feedback.outcome}${o.feedback.remaining !== undefined && o.feedback.remaining !== null ? `, ${o.feedback.remaining} left` : ''}`
        : '';
      out.push(`- ${r.repo} \`${r.dockerfile}\`: ${cell(lacks)}${cell(fed)}`);
    }
    out.push('');
  }
  const reviews = new Map(b.reviews.map((v) => [`${v.repo} ${v.dockerfile}`, v]));
  const runs = [...new Set(b.reviews.map((v) => v.run ?? ''))];
  for (const run of runs) {
    const of = b.reviews.filter((v) => (v.run ?? '') === run);
    const right = of.filter((v) => v.verdict === 'right').length;
    out.push(
      `Rewrites whose original cannot be built or run here were read against their repository instead${run ? ` (${run})` : ''}: ${right} of ${of.length} read as right (column "reading").`,
      '',
    );
  }
  const header = [
    'repository (commit)',
    'Dockerfile',
    ...b.runs.flatMap((r) => [`tool: ${r.label}`, `Docker: ${r.label}`]),
    'reading',
  ];
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (let i = 0; i < first.rows.length; i++) {
    const base = first.rows[i];
    const cells = [`${base.repo} (${base.commit.slice(0, 7)})`, `\`${base.dockerfile}\``];
    for (const run of b.runs) {
      const r = run.rows.find((x) => x.repo === base.repo && x.dockerfile === base.dockerfile);
      cells.push(r ? toolCell(r) : '-', r ? dockerCell(r) : '-');
    }
    const v = reviews.get(`${base.repo} ${base.dockerfile}`);
    cells.push(v ? `${v.verdict}${v.run ? ` (${v.run})` : ''}: ${v.why}` : '');
    out.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  out.push('');
  return out;
}

export function trialMarkdown(batches: BatchFiles[], preface: string): string {
  const lines = [
    '# Real-repository trials',
    '',
    '<!-- Generated by `npm run trial -- report` from docs/trial/; edit those files, not this one. -->',
    '',
    preface.trim(),
    '',
  ];
  for (const b of batches) lines.push(...batchMarkdown(b));
  return lines.join('\n').replace(/\n+$/, '\n');
}
