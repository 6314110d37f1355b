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

export interface InitWrapper {
  name: 'tini' | 'dumb-init';
  /** The program as written (absolute path or bare name). */
  program: string;
  args: string[];
}

// dumb-init --rewrite s:r, tini -p SIGNAL / -e CODE: these flags take the next word as their value.
const INIT_FLAGS_WITH_VALUE = new Set(['-r', '--rewrite', '-p', '-e']);

/** A tini or dumb-init in front of a command: the init with its own flags, and the command it runs. */
export function splitInit(words: readonly string[]): {
  init: InitWrapper | null;
  command: string[];
} {
  const name = basename(words[0] ?? '');
  if (name !== 'tini' && name !== 'dumb-init') return { init: null, command: [...words] };
  const rest = words.slice(1);
  let i = 0;
  while (i < rest.length && rest[i].startsWith('-') && rest[i] !== '--')
    i += INIT_FLAGS_WITH_VALUE.has(rest[i]) ? 2 : 1;
  const args = rest.slice(0, i);
  if (rest[i] === '--') i++;
  return { init: { name, program: words[0], args }, command: rest.slice(i) };
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
