import { startLine } from '../../dockerfile/command';
import { contextHas } from '../../dockerfile/copies';
import type { StageFacts } from '../../dockerfile/stage';
import type { PlanResult } from '../../common/plan';
import type { Skip } from '../../types';
import type { NodeFacts } from '../analyze';
import type { Production } from '../frameworks';
import { hostBuiltOutput } from '../buildability';
import { programBlocker } from '../programs';
import type { NodeRuntimeProfile } from './profile';

/** Whether the start must stay a package-manager command: npm_* values it sets, or a package's bin. */
export function keepsPackageManager(facts: NodeFacts): boolean {
  const npmEnv = facts.npmEnv;
  return (
    (npmEnv !== null && npmEnv.unknown.length > 0) ||
    (facts.start.ok && facts.start.keptScript !== undefined)
  );
}

/** Programs the app runs, or a package manager the start needs, that the final image lacks. */
export function runtimeRefusal(facts: NodeFacts, profile: NodeRuntimeProfile): PlanResult | null {
  const start = facts.start;
  if (!start.ok) return null;
  const support =
    profile.target === 'slim' ? 'slim' : profile.target === 'cgr' ? 'busybox' : 'none';
  const blocked = programBlocker(facts.programs, support, facts.base);
  if (blocked) {
    return {
      ok: false,
      skip: {
        rule: 'node/runtime-programs',
        reason: `${blocked}, and ${profile.finalImage} does not have it`,
        suggestion:
          'install the program in the Dockerfile (apt-get install ...), so the rewrite can keep it on a slim image',
      },
    };
  }
  const npmEnv = facts.npmEnv;
  if (keepsPackageManager(facts) && profile.target !== 'slim') {
    return {
      ok: false,
      skip: {
        rule: start.keptScript ? 'node/keep-package-script' : 'node/npm-environment',
        reason: start.keptScript
          ? `the start runs ${start.keptScript.tool} from ${start.keptScript.package} through a package script, and ${profile.finalImage} has no npm to run it`
          : `the app reads ${npmEnv!.unknown.join(', ')}, which only ${start.packageScript!.manager} sets and whose value depends on the machine`,
        suggestion: '--target slim keeps the package manager as the start command',
      },
    };
  }
  return null;
}

/**
 * A framework start whose output the Dockerfile never builds: the builder runs the package's own
 * build script once when it is the build the start ran at every start; otherwise refused.
 */
export function frameworkBuild(
  facts: NodeFacts,
  production: Production | null,
  stage: StageFacts,
): { skip: Skip } | { buildsAtStart: string | undefined; addBuild: string | null } {
  const start = facts.start;
  if (!start.ok) return { buildsAtStart: undefined, addBuild: null };
  if (production?.copy && start.cwd !== undefined) {
    return {
      skip: {
        rule: production.rule,
        reason: `${production.framework} runs in the subfolder ${start.cwd}, and its bundled output keeps that relative path; this shape is not handled yet`,
        suggestion: 'start the bundle with node from its own folder in the original Dockerfile',
      },
    };
  }
  const missingOutput =
    production?.builtOutput &&
    !facts.hasBuildStep &&
    contextHas(facts.contextPaths, production.builtOutput) === null;
  // The start built the app itself: the builder runs that build once, through the package's own
  // build script when it is that build (its CLI is a dependency the install brought).
  const buildsAtStart = missingOutput ? production!.buildsAtStart : undefined;
  const buildScript = facts.packageJson?.scripts?.build?.trim();
  const addBuild =
    buildsAtStart && (buildScript === buildsAtStart || buildScript?.startsWith(buildsAtStart + ' '))
      ? `${facts.pm.manager ?? 'npm'} run build`
      : null;
  if (buildsAtStart && !addBuild) {
    return {
      skip: {
        rule: 'node/build-at-start',
        class: 'unsupported',
        reason: `${production!.framework}'s start runs ${buildsAtStart} at every start, the Dockerfile never builds, and package.json has no build script that is ${buildsAtStart}`,
        suggestion: `build in the Dockerfile after the install: RUN npx ${buildsAtStart}`,
        line: startLine(stage),
      },
    };
  }
  // Built on the host before docker build (.gitignore lists it): the COPY brings it in.
  if (missingOutput && !addBuild && !hostBuiltOutput(facts, production.builtOutput!)) {
    return {
      skip: {
        rule: 'node/build-output-missing',
        reason: `${production.framework} starts from ${production.builtOutput}, which the Dockerfile never builds and the repository does not have, so the original fails at start too`,
        suggestion: `build before the start: RUN ${facts.pm.manager ?? 'npm'} run build`,
        line: startLine(stage),
      },
    };
  }
  return { buildsAtStart, addBuild };
}

/** What a tool installed outside the app folder for the app's run time, said as a blocker, or null. */
export function toolBlocker(facts: NodeFacts): string | null {
  const t = facts.tools;
  const first = t.scripts[0] ?? t.osCommands[0] ?? t.browsers[0];
  if (!first) return null;
  if (t.scripts.length > 0)
    return `${t.scripts[0].where}, which installs OS packages the app may need at run time`;
  if (t.osCommands.length > 0)
    return `${t.osCommands[0].where} installs the browsers' shared libraries with apt`;
  return `${t.browsers[0].where} downloads a browser into ${t.browsers[0].cache}, outside the app folder`;
}

/** An npm script that installs OS packages: no final stage can repeat it alone. */
export function toolRefusal(facts: NodeFacts): PlanResult | null {
  const script = facts.tools.scripts[0];
  if (script)
    return {
      ok: false,
      skip: {
        rule: 'node/tool-os-packages',
        class: 'unsafe',
        reason: `${script.where}: it installs OS packages the app may need at run time, and a final stage cannot repeat the script alone`,
        suggestion: 'install the OS packages with their own RUN apt-get install line',
      },
    };
  if (facts.tools.osCommands.length > 0 && facts.base.libc === 'musl')
    return {
      ok: false,
      skip: {
        rule: 'node/tool-os-packages',
        class: 'unsafe',
        reason: `${facts.tools.osCommands[0].where} installs the browsers' libraries with apt, which an Alpine final image does not have`,
        suggestion: 'build on a Debian node image',
      },
    };
  return null;
}
