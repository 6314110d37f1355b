import { AppFacts, FRAMEWORKS } from '../frameworks';
import { fail, StartCommand, StartInput } from './types';

/** What the adapters read, seen from the package the script runs in (a workspace's folder). */
function appFacts(input: StartInput): AppFacts {
  const prefix = input.appPrefix ?? '';
  const under = (p: string) => p.startsWith(prefix);
  return {
    packageJson: input.packageJson,
    paths: input.paths.filter(under).map((p) => p.slice(prefix.length)),
    files: Object.fromEntries(
      Object.entries(input.files ?? {})
        .filter(([p]) => under(p))
        .map(([p, t]) => [p.slice(prefix.length), t]),
    ),
  };
}

/** A start through a framework's CLI (next start), resolved by its adapter; null when none claims it. */
export function askFrameworks(
  words: string[],
  input: StartInput,
  trail: string[],
): StartCommand | null {
  for (const f of FRAMEWORKS) {
    const answer = f.fromCli?.(words, appFacts(input));
    if (!answer) continue;
    if ('skip' in answer) return fail(answer.skip.rule, answer.skip.reason, answer.skip.suggestion);
    const p = answer.production;
    return {
      ok: true,
      nodeArgs: p.nodeArgs,
      script: p.nodeArgs[0] ?? null,
      trail: [...trail, `node ${p.nodeArgs.join(' ')}`],
      init: null,
      production: { ...p, adapter: f.id },
    };
  }
  return null;
}

/** A node start that runs a framework's build output (node .output/server/index.mjs). */
export function withFramework(start: StartCommand, input: StartInput): StartCommand {
  if (!start.ok) return start;
  for (const f of FRAMEWORKS) {
    const answer = f.fromNode?.(start.nodeArgs, appFacts(input));
    if (!answer) continue;
    if ('skip' in answer) return fail(answer.skip.rule, answer.skip.reason, answer.skip.suggestion);
    return { ...start, production: { ...answer.production, adapter: f.id } };
  }
  return start;
}
