import { StageFacts } from './stage';
import { execFormOf, logicalArguments } from './parse';

export type EffectiveCommand = string[] | { shell: string } | null;

/**
 * What the container runs, by Docker's rules: exec ENTRYPOINT + exec CMD; a shell-form ENTRYPOINT
 * ignores CMD; a shell-form CMD runs under /bin/sh -c. The node image's own entrypoint script is
 * transparent and is dropped.
 */
export function effectiveCommand(facts: StageFacts): EffectiveCommand {
  const { doc } = facts;
  const entry = facts.entrypoint ? execFormOf(doc, facts.entrypoint) : [];
  if (facts.entrypoint && entry === null) return { shell: logicalArguments(doc, facts.entrypoint) };
  const cmd = facts.cmd ? execFormOf(doc, facts.cmd) : [];
  const entryWords = (entry ?? []).filter(
    (w, i) => !(i === 0 && /(^|\/)docker-entrypoint\.sh$/.test(w)),
  );
  if (facts.cmd && cmd === null) {
    if (entryWords.length > 0)
      return [...entryWords, '/bin/sh', '-c', logicalArguments(doc, facts.cmd)];
    return { shell: logicalArguments(doc, facts.cmd) };
  }
  const words = [...entryWords, ...(cmd ?? [])];
  return words.length === 0 ? null : words;
}

/** The 1-based line of the instruction that starts the app (CMD, else ENTRYPOINT). */
export function startLine(facts: StageFacts): number | undefined {
  const ins = facts.cmd ?? facts.entrypoint;
  return ins ? ins.getRange().start.line + 1 : undefined;
}
