import { startLine } from '../../dockerfile/command';
import type { PlanResult } from '../../common/plan';
import type { Note } from '../../types';
import type { GoFacts, GoStart } from '../analyze';
import type { GoRuntimeProfile } from './profile';

/** What stops a Go rewrite before it is planned: a start, a build or programs a final image cannot take. */
export function refusal(facts: GoFacts, profile: GoRuntimeProfile): PlanResult | null {
  const { stage } = facts;
  const fail = (rule: Note['rule'], reason: string, suggestion?: string): PlanResult => ({
    ok: false,
    skip: { rule, reason, suggestion },
  });
  if (facts.base.isOnbuild)
    return fail(
      'go/onbuild-image',
      `${facts.base.tag} builds through ONBUILD triggers that this tool cannot see`,
      'use golang:<version> with explicit COPY and go build steps',
    );
  if ('skip' in facts.start)
    return {
      ok: false,
      skip: { rule: facts.start.rule, reason: facts.start.skip, line: startLine(stage) },
    };
  const start: GoStart = facts.start;
  const build = facts.builds.find((b) => b.binary === start.binary) ?? start.producedBy;
  if (
    !build &&
    !start.fromGoRun &&
    !profile.cgo &&
    facts.base.cgoDefault &&
    !facts.cgoExplicitlyOff
  )
    return fail(
      'go/static-binary',
      `no build step of ${start.binary} can be found to add CGO_ENABLED=0 to, and Go on ${facts.base.tag || 'this image'} has gcc, so the binary may link libc, which ${profile.finalImage} does not have`,
      'set ENV CGO_ENABLED=0 in the Dockerfile, or build the binary with an explicit go build -o',
    );
  if (build && stage.workdir !== null && build.binary === stage.workdir) {
    return fail(
      'go/binary-path',
      `go build -o ${build.cmd.output} writes into the WORKDIR folder ${stage.workdir}, so the binary lands at ${stage.workdir}/<name>, not ${build.binary} (an upstream bug)`,
      `build with -o ${stage.workdir}/<name> and CMD that path`,
    );
  }
  if (facts.sources.execDynamic.length > 0) {
    return fail(
      'go/exec-programs',
      `the app runs a program whose name is computed at run time (${facts.sources.execDynamic.slice(0, 2).join('; ')}), and ${profile.finalImage} has no programs besides the binary, so whatever it runs is missing`,
      'keep a full base image for this app, or a final image with the programs it runs',
    );
  }
  if (facts.sources.execPrograms.length > 0) {
    return fail(
      'go/exec-programs',
      `the app runs ${facts.sources.execPrograms.join(', ')} with exec.Command, and ${profile.finalImage} has no programs besides the binary`,
      'keep a full base image for this app',
    );
  }
  if (facts.runtimeOsPackages.length > 0) {
    return fail(
      'go/runtime-os-packages',
      `the image installs ${facts.runtimeOsPackages.join(', ')}, which the app may need at runtime and ${profile.finalImage} does not have`,
    );
  }
  return null;
}

/** Skip for a cgo binary built against musl (alpine) when the final image is glibc. */
export function muslCgoSkip(facts: GoFacts, image: string): PlanResult | null {
  if (facts.cgoReasons.length === 0 || facts.base.libc !== 'musl' || facts.staticLink) return null;
  return {
    ok: false,
    skip: {
      rule: 'go/cgo-libc',
      reason: `the binary needs cgo (${facts.cgoReasons.join('; ')}) and is built against musl on ${facts.base.tag}; ${image} is glibc, so it cannot load`,
      suggestion: 'build on a Debian golang image (same libc as the final image)',
    },
  };
}
