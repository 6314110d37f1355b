import { NodeFacts } from '../../src/node/analyze';
import { planNodeRewrite } from '../../src/node/final';
import { PlanResult } from '../../src/common/plan';
import { toolBlocker } from '../../src/node/final/checks';
import { getTemplate, imageReference } from '../../src/templates';
import type { Note, TransformOptions } from '../../src/types';

export const id = 'node/cgr';
export const summary =
  'Node server on Chainguard: latest-dev build stage + cgr.dev/chainguard/node:latest (only with --target cgr)';

export default function plan(facts: NodeFacts, options: TransformOptions): PlanResult {
  const t = getTemplate('node-chainguard');
  const osRun = facts.runs.find((r) => r.classes.some((c) => c.kind === 'os-packages'));
  if (osRun) {
    return {
      ok: false,
      skip: {
        rule: 'node/cgr-builder',
        reason: `the build installs OS packages with "${osRun.run.commands.find((c) => /apt|apk|yum|dnf/.test(c))}", which ${t.builderImage} (Wolfi, apk) cannot run as written`,
        suggestion: '--target distroless or --target slim',
      },
    };
  }
  const tool = toolBlocker(facts);
  if (tool)
    return {
      ok: false,
      skip: {
        rule: 'node/tool-os-packages',
        class: 'unsafe',
        reason: `${tool}, and ${t.image} has no package manager to repeat it`,
        suggestion: '--target slim',
      },
    };
  const finalImage = imageReference(t);
  const warnings: Note[] = [
    {
      rule: 'node/cgr-final-stage',
      reason: `Chainguard's free images exist only as latest, which tracks the newest Node (${t.trackedNodeMajor} when checked): the app moves from Node ${facts.base.major ?? facts.base.tag} to that version`,
    },
  ];
  return planNodeRewrite(facts, options, {
    target: 'cgr',
    template: t,
    finalImage,
    builderImage: t.builderImage,
    why: `final stage ${finalImage}: ENTRYPOINT is node, so CMD carries only the script`,
    cmdFor: (args) => args,
    replicateOsPackageRuns: false,
    warnings,
  });
}
