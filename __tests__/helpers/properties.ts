import { createPatch, diffLines } from 'diff';
import { transform } from '../../src/engine';
import { analyzeStages } from '../../src/dockerfile/stage';
import { execFormOf, keywordOf, parseDockerfile } from '../../src/dockerfile/parse';
import type { BuildContext, TransformOptions, TransformResult } from '../../src/types';

/** Keywords whose lines a rewrite may change or remove in the original stage. */
const EDITABLE = new Set([
  'FROM',
  'RUN',
  'CMD',
  'ENTRYPOINT',
  'EXPOSE',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'VOLUME',
  'ENV',
  'ARG',
]);

/** The properties every rewrite must have (DESIGN.md §2); returns the broken ones. */
export function checkProperties(
  source: string,
  result: TransformResult,
  options: TransformOptions,
  context: BuildContext,
): string[] {
  const problems: string[] = [];
  const out = result.output;
  const again = transform(out, options, context);
  if (again.changed) problems.push('not idempotent: a second run changed the output');
  const doc = parseDockerfile(out);
  const facts = analyzeStages(doc);
  if (!facts || facts.stageCount < 2) problems.push('output is not multi-stage');
  const user = facts?.user?.value ?? '';
  if (!/^[1-9]\d*:\d+$/.test(user))
    problems.push(`final USER "${user}" is not numeric non-root uid:gid`);
  const shellLess = result.target !== 'slim' && !(result.finalImage ?? '').startsWith('nginx');
  for (const ins of facts?.stage.instructions ?? []) {
    const k = keywordOf(ins);
    if (shellLess && k === 'RUN') problems.push('RUN in a shell-less final stage');
    if ((k === 'CMD' || k === 'ENTRYPOINT') && execFormOf(doc, ins) === null)
      problems.push(`${k} not in exec form`);
  }
  // Lines removed from the original may only belong to instructions a rewrite edits, or to the
  // comments directly above moved ones; everything else stays byte-identical.
  const src = parseDockerfile(source);
  // --harden edits a multi-stage file's final stage: its COPY --chown and USER lines too.
  const editable =
    src.ast.getFROMs().length > 1 ? new Set([...EDITABLE, 'COPY', 'USER']) : EDITABLE;
  const editableLines = new Set<number>();
  for (const ins of src.ast.getInstructions()) {
    if (!editable.has(keywordOf(ins))) continue;
    const r = ins.getRange();
    for (let l = r.start.line; l <= r.end.line; l++) editableLines.add(l);
    for (let l = r.start.line - 1; l >= 0 && /^\s*#/.test(lineAt(source, l)); l--)
      editableLines.add(l);
  }
  let line = 0;
  for (const part of diffLines(source, out)) {
    const count = part.count ?? 0;
    if (part.removed) {
      for (let l = line; l < line + count; l++) {
        if (!editableLines.has(l) && lineAt(source, l).trim() !== '')
          problems.push(`line ${l + 1} changed: ${JSON.stringify(lineAt(source, l))}`);
      }
    }
    if (!part.added) line += count;
  }
  if (source.includes('\r\n') && /[^\r]\n/.test(out)) problems.push('CRLF input produced LF lines');
  return problems;
}

function lineAt(text: string, line: number): string {
  return text.split(/\r\n|\r|\n/)[line] ?? '';
}

export function goldenDiff(want: string, got: string): string {
  return createPatch('Dockerfile', want, got, 'want', 'got');
}
