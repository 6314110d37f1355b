// npm run sweep: runs the engine over every fixture and example Dockerfile with each target and
// prints what happened: files tried, rewritten, skipped per reason, errors, and the three counts
// that must be 0 (crashes, invalid outputs, non-idempotent outputs). Exits 1 when one is not.
import fs from 'fs';
import path from 'path';
import { processIo } from '../src/cli/io';
import { readBuildContext } from '../src/cli/read-context';
import { transform } from '../src/engine';
import { DockerizeError } from '../src/errors';
import type { Target, TransformOptions } from '../src/types';
import { validateOutput } from '../src/dockerfile/validate';

const ROOT = path.resolve(__dirname, '..');
const TARGETS: Array<TransformOptions> = [
  ...(['auto', 'distroless', 'cgr', 'scratch', 'slim', 'nginx'] as Target[]).map((target) => ({
    target,
  })),
  { target: 'auto', nginx: 'unprivileged' },
  { target: 'auto', nginx: 'chainguard' },
  { target: 'auto', harden: true },
];

function findDockerfiles(dir: string, out: Array<{ file: string; context: string }>): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (
      e.isDirectory() &&
      e.name !== 'node_modules' &&
      e.name !== 'context' &&
      e.name !== 'expected-files'
    )
      findDockerfiles(p, out);
    else if (e.name === 'Dockerfile') {
      const ctx = path.join(dir, 'context');
      out.push({ file: p, context: fs.existsSync(ctx) ? ctx : dir });
    }
  }
}

const io = processIo();
const inputs: Array<{ file: string; context: string }> = [];
findDockerfiles(path.join(ROOT, '__tests__', 'fixtures'), inputs);
findDockerfiles(path.join(ROOT, 'examples'), inputs);
const counts = {
  tried: 0,
  rewritten: 0,
  skipped: 0,
  errors: 0,
  crashes: 0,
  invalid: 0,
  nonIdempotent: 0,
};
const reasons = new Map<string, number>();
const problems: string[] = [];
for (const { file, context } of inputs) {
  const source = fs.readFileSync(file, 'utf8');
  const ctx = readBuildContext(context, io);
  for (const options of TARGETS) {
    counts.tried++;
    const label = `${path.relative(ROOT, file)} ${JSON.stringify(options)}`;
    try {
      const r = transform(source, options, ctx);
      if (!r.changed) {
        counts.skipped++;
        const rule = r.skipped?.rule ?? '(unchanged)';
        reasons.set(rule, (reasons.get(rule) ?? 0) + 1);
        continue;
      }
      counts.rewritten++;
      const invalid = validateOutput(r.output, { shellLess: r.finalHasShell === false });
      if (invalid.length > 0) {
        counts.invalid++;
        problems.push(`invalid: ${label}: ${invalid.join('; ')}`);
      }
      if (transform(r.output, options, ctx).changed) {
        counts.nonIdempotent++;
        problems.push(`not idempotent: ${label}`);
      }
    } catch (e) {
      if (e instanceof DockerizeError) counts.errors++;
      else {
        counts.crashes++;
        problems.push(`crash: ${label}: ${(e as Error).stack}`);
      }
    }
  }
}
console.log(`sweep: ${inputs.length} Dockerfiles x ${TARGETS.length} option sets`);
console.log(`files tried       ${counts.tried}`);
console.log(`rewritten         ${counts.rewritten}`);
console.log(`skipped           ${counts.skipped}`);
for (const [rule, n] of [...reasons].sort((a, b) => b[1] - a[1]))
  console.log(`  ${rule.padEnd(30)} ${n}`);
console.log(
  `errors            ${counts.errors}   (input the tool reports and refuses, e.g. no FROM)`,
);
console.log(`crashes           ${counts.crashes}   (must be 0)`);
console.log(`invalid outputs   ${counts.invalid}   (must be 0)`);
console.log(`non-idempotent    ${counts.nonIdempotent}   (must be 0)`);
for (const p of problems) console.log(p);
process.exitCode = counts.crashes + counts.invalid + counts.nonIdempotent > 0 ? 1 : 0;
