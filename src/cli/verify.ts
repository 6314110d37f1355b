import fs from 'fs';
import os from 'os';
import path from 'path';
import { analyzeStages, firstExposedPort } from '../analyze/stage';
import { parseDockerfile } from '../parse';
import { dockerCli, pickDockerBinary } from '../verify/docker';
import { mb, VerifyReport, verifyRewrite } from '../verify/verify';
import type { CliOptions } from './args';
import { pickColors } from './colors';
import { discover } from './discover';
import type { Io } from './io';
import { processFile } from './process-file';
import { formatNotes } from './render';
import { writeAtomic, createAtomic } from './write';

/** `dockerize-slim verify`: the end-to-end checks as a user command. Writes only with --write when all pass. */
export async function runVerify(options: CliOptions, io: Io): Promise<number> {
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
  const found = discover(options.paths, io);
  for (const e of found.errors) io.stderr.write(`${e.path}: error ${e.error.message}\n`);
  let failed = found.errors.length > 0;
  for (const file of found.files) {
    const outcome = processFile(
      file,
      {
        target: options.target,
        user: options.user,
        nginx: options.nginx,
        devToProduction: options.devToProduction,
        node: options.node,
      },
      options.context,
      io,
    );
    if (outcome.status === 'error') {
      io.stderr.write(`${outcome.display}: error ${outcome.error!.message}\n`);
      failed = true;
      continue;
    }
    const r = outcome.result!;
    if (outcome.status !== 'changed') {
      io.stdout.write(
        `${outcome.display}: nothing to verify (${r.skipped ? `skipped: ${r.skipped.reason}` : 'unchanged'})\n`,
      );
      continue;
    }
    const port = options.port ?? firstExposedPortOf(outcome.before!);
    if (port === null) {
      io.stderr.write(`${outcome.display}: error no EXPOSE to probe; pass --port\n`);
      failed = true;
      continue;
    }
    io.stdout.write(
      `${colors.bold(outcome.display)}: ${r.target} -> ${r.finalImage}\n${formatNotes(r.edits, r.warnings, colors)}`,
    );
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-verify-'));
    const report = await verifyRewrite(
      docker,
      {
        name: `dockerize-slim-verify-${process.pid}`,
        contextDir: outcome.contextRoot!,
        dockerfilePath: file,
        rewritten: r.output,
        newFiles: r.newFiles ?? [],
        port,
        paths: options.probe,
        env: {},
        shellLess: r.finalHasShell === false,
        network: bridge ? 'bridge' : 'host',
        keep: options.keep,
        workDir,
      },
      (line) => io.stderr.write(`  ${line}\n`),
    );
    fs.rmSync(workDir, { recursive: true, force: true });
    io.stdout.write(formatReport(report, colors));
    const passed = !report.error && report.checks.every((c) => c.pass);
    if (!passed) failed = true;
    if (options.write && passed) {
      for (const f of r.newFiles ?? [])
        createAtomic(path.join(outcome.contextRoot!, f.path), f.content, io);
      writeAtomic(file, r.output, outcome.before!, io);
      io.stdout.write(`${outcome.display}: written (every check passed)\n`);
    } else if (options.write) {
      io.stdout.write(`${outcome.display}: not written (a check failed)\n`);
    }
  }
  return failed ? 2 : 0;
}

function firstExposedPortOf(source: string): number | null {
  const facts = analyzeStages(parseDockerfile(source));
  return facts ? firstExposedPort(facts) : null;
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
  for (const c of report.checks)
    out.push(`  ${c.pass ? colors.green('pass') : colors.red('FAIL')} ${c.name}: ${c.detail}`);
  if (report.error) out.push(`  ${colors.red('error')} ${report.error}`);
  return out.join('\n') + '\n';
}
