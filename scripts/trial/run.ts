// Runs a case list through runCase, one case after the other, and sums the rows up.
import fs from 'fs';
import { dockerCli, pickDockerBinary } from '../../src/verify/docker';
import { observeSupport } from '../../src/verify/observe';
import { readCases, readRows, TrialRow } from './cases';
import { totalsOf } from './report';
import { runCase, TrialSettings } from './run-case';

export interface RunArgs {
  list: string;
  out?: string;
  mirrors: string;
  work: string;
  tool: string;
  only?: string;
  docker: boolean;
  keepImages: boolean;
  startTimeoutS: number;
  /** Trace the original's run and check the rewrite against it (verify --observe's way). */
  observe?: boolean;
  /**
   * Rows are appended here as they come, and a run that stopped half-way picks up after the rows
   * it holds (a long trial survives a crash or a reboot).
   */
  partial?: string;
}

export async function runTrial(args: RunArgs, print: (line: string) => void): Promise<TrialRow[]> {
  const cases = readCases(args.list).filter((c) => !args.only || c.repo === args.only);
  const docker = args.docker
    ? dockerCli(pickDockerBinary(process.env, (p) => fs.existsSync(p)))
    : null;
  if (docker && (await docker.run(['version'], { timeoutMs: 20_000 })).code !== 0)
    throw new Error('no Docker engine answers (start dockerd, or use --no-docker)');
  const available = new Set<string>();
  if (docker) {
    const ls = await docker.run(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
    for (const l of ls.stdout.split('\n'))
      if (l.trim() && !l.includes('<none>')) available.add(l.trim());
  }
  fs.mkdirSync(args.work, { recursive: true });
  const observe = args.observe && docker ? observeSupport() : undefined;
  if (observe && !observe.ok) print(`trial: --observe: cannot observe here: ${observe.why}`);
  const settings: TrialSettings = {
    mirrors: args.mirrors,
    work: args.work,
    tool: args.tool,
    docker,
    available,
    tagged: new Set(),
    startTimeoutS: args.startTimeoutS,
    buildTimeoutMs: 20 * 60_000,
    keepImages: args.keepImages,
    ...(observe ? { observe } : {}),
    log: print,
  };
  const rows: TrialRow[] = [];
  const done = args.partial && fs.existsSync(args.partial) ? readRows(args.partial) : [];
  try {
    for (const [i, c] of cases.entries()) {
      const earlier = done[i];
      if (earlier && earlier.repo === c.repo && earlier.dockerfile === c.dockerfile) {
        rows.push(earlier);
        continue;
      }
      const started = Date.now();
      let row: TrialRow;
      try {
        row = await runCase(c, settings);
      } catch (e) {
        // One case that cannot be laid out or run must not end the trial.
        row = {
          repo: c.repo,
          commit: c.commit,
          dockerfile: c.dockerfile,
          ...(c.lang ? { lang: c.lang } : {}),
          tool: null,
          outcome: 'not-on-disk',
          detail: `the harness could not run this case: ${(e as Error).message.split('\n')[0]}`,
        };
      }
      rows.push(row);
      if (args.partial) fs.appendFileSync(args.partial, JSON.stringify(row) + '\n');
      print(
        `[${i + 1}/${cases.length}] ${c.repo} ${c.dockerfile}: ${row.outcome}${row.detail ? ` (${row.detail})` : ''} in ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
  } finally {
    if (docker && settings.tagged.size > 0) await docker.run(['rmi', ...settings.tagged]);
  }
  return rows;
}

export function printTotals(rows: TrialRow[], print: (l: string) => void): void {
  const t = totalsOf(rows);
  print(
    `tried ${t.tried}: ${t.changed} rewritten, ${t.skipped} skipped, ${t.unchanged} unchanged, ${t.errors} errors, ${t.notOnDisk} not on disk`,
  );
  print(
    `rewritten but the original does not build here: ${t.originalDoesNotBuild}; exits at start: ${t.originalDoesNotStart}`,
  );
  print(
    `rewrites of working originals: ${t.working}: ${t.same} same, ${t.lowPortSame} same once low ports are allowed, ${t.broke.length} broke`,
  );
  for (const r of t.broke) print(`  broke: ${r.repo} ${r.dockerfile}: ${r.outcome}: ${r.detail}`);
  if (t.observed > 0)
    print(
      `observed: ${t.observed}; rewrites lacking an observed need: ${t.observedMismatched} (${Object.entries(
        t.mismatchesByKind,
      )
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}); fed back and then same: ${t.fixedByFeedback}`,
    );
}
