import { NodeFacts } from '../../src/node/analyze';
import { planNodeRewrite } from '../../src/node/final';
import { programBlocker } from '../../src/node/programs';
import { toolBlocker } from '../../src/node/final/checks';
import { PlanResult } from '../../src/common/plan';
import { getTemplate, imageReference } from '../../src/templates';
import type { Note, TransformOptions } from '../../src/types';

export const id = 'node/distroless';
export const summary =
  'Node server: build stage + gcr.io/distroless/nodejs<major>-debian13:nonroot';

/** Why distroless cannot take this app, or null when it can. */
export function distrolessBlocker(facts: NodeFacts): string | null {
  const t = getTemplate('node-distroless');
  const { base } = facts;
  const majors = t.nodeMajors ?? [];
  if (base.major === null)
    return base.tag.includes('$')
      ? `the tag "${base.tag}" comes from a build argument, so the Node major (which must match the runtime's) is unknown; the slim image follows the same argument`
      : `the tag "${base.tag}" floats, so the Node major (which must match the runtime's) is unknown; --node ${majors.join(', --node ')} pins it and gives distroless`;
  if (!majors.includes(base.major)) {
    const next = majors.find((m) => m > base.major!);
    return `distroless builds Node ${majors.join('/')} only, and this app is on Node ${base.major}; the major is never changed silently${next !== undefined ? `: --node ${next} moves it (builder and final) and gives distroless` : ''}`;
  }
  if (
    base.libc === 'musl' &&
    (facts.nativeAddons.length > 0 ||
      facts.runs.some((r) =>
        r.classes.some(
          (c) =>
            c.kind === 'os-packages' &&
            (c.packages ?? []).some((p) => ['python3', 'make', 'g++', 'build-base'].includes(p)),
        ),
      ))
  ) {
    return `the alpine (musl) builder compiles native addons${facts.nativeAddons.length ? ` (${facts.nativeAddons.join(', ')})` : ''} that cannot load on glibc distroless`;
  }
  if (facts.sharedLibraries.length > 0)
    return `the app uses ${facts.sharedLibraries.map((s) => s.package).join(', ')}: ${facts.sharedLibraries[0].why}, and distroless has no package manager to add them`;
  const tool = toolBlocker(facts);
  if (tool) return `${tool}, and distroless has no package manager`;
  if (facts.runtimeOsPackages.length > 0) {
    return `the image installs OS packages the app may need at runtime (${facts.runtimeOsPackages.join(', ')}), and distroless has no package manager`;
  }
  if (facts.start.ok && facts.start.keptScript)
    return `the start runs ${facts.start.keptScript.tool} (from ${facts.start.keptScript.package}) through a package script, which needs npm to start it`;
  if (facts.start.ok && facts.start.globalCli)
    return `the app starts through ${facts.start.globalCli.command[0]}, from ${facts.start.globalCli.package} installed globally with npm, and distroless has no npm to install it`;
  const programs = programBlocker(facts.programs, 'none', facts.base);
  if (programs)
    return `${programs}, and distroless has no programs besides node (not even on PATH)`;
  const npmEnv = facts.npmEnv;
  if (npmEnv && npmEnv.unknown.length > 0)
    return `the app reads ${npmEnv.unknown.join(', ')}, which only the package manager sets (its value depends on the machine), and distroless has no npm`;
  return null;
}

export default function plan(facts: NodeFacts, options: TransformOptions): PlanResult {
  const blocker = distrolessBlocker(facts);
  if (blocker)
    return {
      ok: false,
      skip: {
        rule: 'node/distroless-final-stage',
        reason: blocker,
        suggestion: '--target slim keeps the same Node major and libc',
      },
    };
  const t = getTemplate('node-distroless');
  const major = facts.base.major as number;
  const finalImage = imageReference(t, { major });
  const warnings: Note[] = [];
  if (facts.stage.isTemplatedBase) {
    warnings.push({
      rule: 'node/distroless-final-stage',
      reason: `the base image is set by ARG; the final image is pinned to Node ${major} from its default, so a --build-arg with another major needs the final FROM changed too`,
    });
  }
  return planNodeRewrite(facts, options, {
    target: 'distroless',
    template: t,
    finalImage,
    why: `final stage ${finalImage}: Node ${major} like the builder, no shell or npm, runs as non-root`,
    cmdFor: (args) => args,
    replicateOsPackageRuns: false,
    warnings,
  });
}
