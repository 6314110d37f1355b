import posix from 'path/posix';
import { Healthcheck } from 'dockerfile-ast';
import { execArray } from '../../dockerfile/edit';
import { execFormOf } from '../../dockerfile/parse';
import type { SplitStage } from '../../common/split-stage';
import type { GoFacts } from '../analyze';

/**
 * The original HEALTHCHECK when it runs the app's own binary in exec form, with that binary's
 * absolute path: nothing else can run in an image with no shell, curl or wget.
 */
export function binaryHealthcheck(
  facts: GoFacts,
  binary: string,
  workdir: string,
  split: SplitStage,
): { line: string } | { reason: string } {
  const { doc } = facts.stage;
  const w = split.writer;
  const hc = facts.stage.healthcheck as Healthcheck;
  // dockerfile-ast's argument range starts after the flags, at CMD.
  const words = execFormOf(doc, hc, 1);
  const program = words?.[0];
  const resolved = program && (program.includes('/') ? posix.resolve(workdir, program) : null);
  if (!words || resolved !== binary)
    return { reason: "it does not run the app's own binary in exec form" };
  const opts = hc
    .getFlags()
    .map((f) => f.toString())
    .join(' ');
  return {
    line:
      (split.comments.get(hc) ?? '') +
      w.line(
        'HEALTHCHECK',
        `${opts ? opts + ' ' : ''}CMD ${execArray([binary, ...words.slice(1)])}`,
      ),
  };
}
