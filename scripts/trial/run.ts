// Runs a case list through runCase, one case after the other, and sums the rows up.
import fs from 'fs';
import { dockerCli, pickDockerBinary } from '../../src/verify/docker';
import { readCases, TrialRow } from './cases';
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
    log: print,
  };
  const rows: TrialRow[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const started = Date.now();
      const row = await runCase(c, settings);
      rows.push(row);
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
}
