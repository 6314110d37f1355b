import { Copy } from 'dockerfile-ast';
import {
  execFormOf,
  keywordOf,
  logicalArguments,
  ParsedDockerfile,
  parseDockerfile,
  stagesOf,
} from './parse';

export interface ValidationRules {
  /** The final image has no /bin/sh: exec form only and no RUN. */
  shellLess: boolean;
}

/**
 * Checks a rewritten Dockerfile against the rules every output must meet: it parses, stage names
 * are unique, every COPY --from names an earlier stage, the final stage runs as a numeric non-root
 * user, and a shell-less final stage has no RUN and only exec-form CMD/ENTRYPOINT/HEALTHCHECK.
 */
export function validateOutput(text: string, rules: ValidationRules): string[] {
  return validateParsed(parseDockerfile(text), rules);
}

/** validateOutput on text already parsed (the engine parses each rewrite once, for every check). */
export function validateParsed(doc: ParsedDockerfile, rules: ValidationRules): string[] {
  const problems: string[] = [];
  const stages = stagesOf(doc);
  if (stages.length < 2) return ['the output is not multi-stage'];
  const earlier: string[] = [];
  stages.forEach((stage, index) => {
    for (const ins of stage.instructions) {
      const k = keywordOf(ins);
      if (k !== 'COPY' && k !== 'ADD') continue;
      const from = (ins as Copy)
        .getFlags()
        .find((f) => f.getName() === 'from')
        ?.getValue();
      if (!from || from.includes('/') || from.includes(':')) continue;
      const known = /^\d+$/.test(from)
        ? Number(from) < index
        : earlier.includes(from.toLowerCase());
      if (!known) problems.push(`COPY --from=${from} names no earlier stage`);
    }
    const name = stage.name?.toLowerCase();
    if (name) {
      if (earlier.includes(name)) problems.push(`stage name "${name}" is used twice`);
      earlier.push(name);
    }
  });
  const final = stages[stages.length - 1];
  let user: string | null = null;
  for (const ins of final.instructions) {
    const k = keywordOf(ins);
    if (k === 'USER') user = logicalArguments(doc, ins).trim();
    if (!rules.shellLess) continue;
    if (k === 'RUN')
      problems.push(
        `RUN on line ${ins.getRange().start.line + 1} cannot run in a shell-less final stage`,
      );
    if ((k === 'CMD' || k === 'ENTRYPOINT') && execFormOf(doc, ins) === null) {
      problems.push(`${k} on line ${ins.getRange().start.line + 1} is not in exec form`);
    }
    // dockerfile-ast's argument range starts after the flags, at CMD.
    if (
      k === 'HEALTHCHECK' &&
      /^CMD\b/i.test(logicalArguments(doc, ins)) &&
      execFormOf(doc, ins, 1) === null
    ) {
      problems.push('HEALTHCHECK is not in exec form');
    }
  }
  if (!user) problems.push('the final stage sets no USER');
  else if (!/^\d+(:\d+)?$/.test(user))
    problems.push(`the final stage's USER ${user} is not numeric`);
  else if (/^0(:|$)/.test(user)) problems.push('the final stage runs as root');
  return problems;
}
