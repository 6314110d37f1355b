import { Copy } from 'dockerfile-ast';
import { analyzeStages } from './analyze/stage';
import { execFormOf, keywordOf, parseDockerfile, stagesOf } from './parse';

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
  const problems: string[] = [];
  const doc = parseDockerfile(text);
  const stages = stagesOf(doc);
  if (stages.length < 2) return ['the output is not multi-stage'];
  const names = new Set<string>();
  stages.forEach((stage, index) => {
    const name = stage.name?.toLowerCase();
    if (name) {
      if (names.has(name)) problems.push(`stage name "${name}" is used twice`);
      names.add(name);
    }
    for (const ins of stage.instructions) {
      const k = keywordOf(ins);
      if (k !== 'COPY' && k !== 'ADD') continue;
      const from =
        (ins as Copy)
          .getFlags()
          .find((f) => f.getName() === 'from')
          ?.getValue() ?? undefined;
      if (from === undefined) continue;
      const known = /^\d+$/.test(from)
        ? Number(from) < index
        : names.has(from.toLowerCase()) &&
          stages.findIndex((s) => s.name?.toLowerCase() === from.toLowerCase()) < index;
      if (!known && !from.includes('/') && !from.includes(':'))
        problems.push(`COPY --from=${from} names no earlier stage`);
    }
  });
  const finalFacts = analyzeStages(doc);
  if (!finalFacts) return ['the output has no FROM'];
  const user = finalFacts.user?.value;
  if (!user) problems.push('the final stage sets no USER');
  else if (!/^\d+(:\d+)?$/.test(user))
    problems.push(`the final stage's USER ${user} is not numeric`);
  else if (/^0(:|$)/.test(user)) problems.push('the final stage runs as root');
  if (rules.shellLess) {
    for (const ins of finalFacts.stage.instructions) {
      const k = keywordOf(ins);
      if (k === 'RUN')
        problems.push(
          `RUN on line ${ins.getRange().start.line + 1} cannot run in a shell-less final stage`,
        );
      if ((k === 'CMD' || k === 'ENTRYPOINT') && execFormOf(doc, ins) === null)
        problems.push(`${k} on line ${ins.getRange().start.line + 1} is not in exec form`);
      if (k === 'HEALTHCHECK') {
        const words = ins.getArguments().map((a) => a.getValue());
        const cmdAt = words.findIndex((w) => /^CMD$/i.test(w));
        if (cmdAt >= 0 && execFormOf(doc, ins, cmdAt + 1) === null)
          problems.push('HEALTHCHECK is not in exec form');
      }
    }
  }
  return problems;
}
