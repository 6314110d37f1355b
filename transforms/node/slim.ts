import { NodeFacts } from '../../src/node/analyze';
import { planNodeRewrite } from '../../src/node/final';
import { PlanResult } from '../../src/common/plan';
import { getTemplate, imageReference } from '../../src/templates';
import type { TransformOptions } from '../../src/types';

export const id = 'node/slim';
export const summary =
  "Node server: build stage + the same tag family's slim or alpine image, as node (1000)";

export default function plan(facts: NodeFacts, options: TransformOptions, why: string): PlanResult {
  const t = getTemplate('node-slim');
  const ref = facts.stage.baseImage;
  // A mirror keeps its own path (registry/library/node); the slim tag comes from the same family.
  const finalImage = ref?.registry
    ? `${ref.registry}/${ref.repository}:${facts.base.slimTag}`
    : imageReference(t, { slimTag: facts.base.slimTag });
  return planNodeRewrite(facts, options, {
    target: 'slim',
    template: t,
    finalImage,
    why: `final stage ${finalImage} (same Node and libc as the builder): ${why}`,
    cmdFor: (args) => ['node', ...args],
    replicateOsPackageRuns: true,
    warnings: [],
  });
}
