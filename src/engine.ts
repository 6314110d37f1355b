import { Keyword } from 'dockerfile-ast';
import { analyzeNode } from './node/analyze';
import { analyzeStages, StageFacts } from './dockerfile/stage';
import { applyChanges } from './dockerfile/edit';
import { DockerizeError } from './errors';
import { parseDockerfile } from './dockerfile/parse';
import { Plan, PlanResult } from './common/plan';
import { NODE_FACTS } from './templates';
import type {
  BuildContext,
  ImageDefaults,
  Note,
  Skip,
  TransformOptions,
  TransformResult,
} from './types';
import { validateParsed } from './dockerfile/validate';
import nodeDistroless, { distrolessBlocker } from '../transforms/node/distroless';
import nodeCgr from '../transforms/node/cgr';
import nodeSlim from '../transforms/node/slim';
import goDistroless from '../transforms/go/distroless';
import goScratch from '../transforms/go/scratch';
import goCgr from '../transforms/go/cgr';
import { analyzeGo } from './go/analyze';
import { analyzeNodeBase } from './node/image';
import { nodeBuildProblems } from './node/buildability';
import { builderOf, BuilderProfile } from './common/builder-image';
import { detectStaticSite } from './static/site';
import staticNginx from '../transforms/static/nginx';
import hardenFinalStage from '../transforms/common/harden';
import observedNeeds, { hasObservedNeeds } from '../transforms/common/observed-needs';
import { BuildProblem, checkBuildability, firstProblem } from './common/buildability';
import { classOfSkip } from './skip-class';
import { startLine } from './dockerfile/command';
import { checkContract, contractOf, entrypointOf } from './contract';
import { bindMountWarnings, imageRunPlan } from './common/image-runs';
import { stagesOf } from './dockerfile/parse';

const BOM = '\uFEFF';
const KEYWORDS = new Set(Object.values(Keyword) as string[]);

/**
 * Rewrites one Dockerfile. Pure: everything it needs from the build context comes in `context`
 * (see selectContextFiles). Throws DockerizeError for input it cannot read (no FROM, a manifest
 * that is not valid JSON); anything it can read but should not rewrite comes back as `skipped`.
 */
export function transform(
  source: string,
  options: TransformOptions = {},
  context: BuildContext = { paths: [], files: {} },
): TransformResult {
  const hasBom = source.startsWith(BOM);
  const text = hasBom ? source.slice(1) : source;
  const result = transformText(text, options, context);
  if (hasBom && result.changed) result.output = BOM + result.output;
  if (!result.changed) result.output = source;
  return result;
}

function unchanged(source: string, skip: Skip, warnings: Note[] = []): TransformResult {
  return {
    output: source,
    changed: false,
    edits: [],
    warnings,
    skipped: { ...skip, class: classOfSkip(skip) },
  };
}

function cannotBuild(source: string, problem: BuildProblem): TransformResult {
  return unchanged(source, {
    rule: problem.rule,
    reason: problem.reason,
    suggestion: problem.suggestion,
    line: problem.line,
  });
}

function transformText(
  source: string,
  options: TransformOptions,
  context: BuildContext,
): TransformResult {
  if (source.includes('\u0000'))
    throw new DockerizeError('E_PARSE', 'not a text file (it contains NUL bytes)');
  const doc = parseDockerfile(source);
  const facts = analyzeStages(doc);
  if (!facts) throw new DockerizeError('E_PARSE', 'no FROM instruction: not a Dockerfile');
  const unknown = doc.ast
    .getInstructions()
    .find((i) => !KEYWORDS.has(i.getKeyword().toUpperCase()));
  if (unknown) {
    throw new DockerizeError(
      'E_PARSE',
      `line ${unknown.getRange().start.line + 1}: unknown instruction ${unknown.getKeyword()}`,
    );
  }
  if (facts.stageCount > 1 && options.harden) {
    const hardened = hardenFinalStage(doc, options);
    if ('unchanged' in hardened) return unchanged(source, { ...hardened.unchanged });
    return finish(facts, hardened, context, null, options);
  }
  if (facts.stageCount > 1) {
    return unchanged(source, {
      rule: 'common/already-multi-stage',
      reason: `already multi-stage (${facts.stageCount} stages); left as it is`,
      suggestion: '--harden adds a non-root USER to a final stage that runs as root',
    });
  }
  if (facts.baseImage === null) {
    return unchanged(source, {
      rule: 'common/base-image',
      reason: facts.isTemplatedBase
        ? `the base image "${facts.baseImageText}" depends on a build argument with no default`
        : `"${facts.baseImageText}" is not a valid image reference`,
      suggestion: facts.isTemplatedBase ? 'give the ARG a default value before FROM' : undefined,
    });
  }
  if (facts.unresolvedWorkdir !== undefined) {
    return unchanged(source, {
      rule: 'common/app-directory',
      reason: `WORKDIR ${facts.unresolvedWorkdir} uses a variable whose value is not known, so the app's folder cannot be known`,
      suggestion: 'give the variable a default (ARG NAME=value) or write the path',
    });
  }
  const builder = builderOf(facts);
  if (builder === null) {
    return unchanged(source, {
      rule: 'common/unsupported-base',
      reason: `the base image ${facts.baseImage.raw} is not an official node or golang image`,
    });
  }
  const buildability = checkBuildability(facts, context);
  const result =
    builder.kind === 'node'
      ? rewriteNode(facts, options, context, builder, buildability.problems)
      : rewriteGo(facts, options, context, builder, buildability.problems);
  if (result.changed) result.warnings.push(...buildability.hostBuilt);
  return result;
}

function rewriteNode(
  facts: StageFacts,
  options: TransformOptions,
  context: BuildContext,
  builder: BuilderProfile,
  common: BuildProblem[],
): TransformResult {
  const ref = facts.baseImage!;
  if (
    ref.tag === null &&
    ref.digest !== null &&
    !builder.fromDistro &&
    options.node === undefined
  ) {
    return unchanged(facts.doc.source, {
      rule: 'common/base-image',
      reason: `${ref.raw} is pinned by digest alone, so its Node major and variant (alpine or Debian), which the final image must match, cannot be known`,
      suggestion: 'write the tag with the digest (node:22-alpine@sha256:...), or pass --node MAJOR',
    });
  }
  const upgrade = options.node !== undefined ? nodeUpgrade(facts, options.node) : null;
  if (upgrade && 'skip' in upgrade) return unchanged(facts.doc.source, upgrade.skip);
  const node = orFirstProblem(common, () =>
    analyzeNode(upgrade ? upgrade.facts : facts, context, options, builder.nodeMajor ?? null),
  );
  if ('rule' in node) return cannotBuild(facts.doc.source, node);
  if (upgrade) node.upgrade = upgrade.note;
  const problem = firstProblem([...common, ...nodeBuildProblems(node)]);
  if (problem) return cannotBuild(facts.doc.source, problem);
  if (node.pnp)
    return unchanged(facts.doc.source, {
      rule: 'node/yarn-pnp',
      reason: `the app installs with Yarn Plug'n'Play (${node.pnp}): its dependencies are zips in .yarn/cache that node finds only through yarn's .pnp.cjs loader, with no node_modules, and this tool does not carry that loader into a final stage yet`,
      suggestion: 'set nodeLinker: node-modules in .yarnrc.yml, or keep this image as it is',
    });
  if (builder.fromDistro && node.nativeAddons.length > 0) {
    return unchanged(facts.doc.source, {
      rule: 'node/distro-builder',
      reason: `Node comes from NodeSource on ${facts.baseImage!.raw}, and the native addons (${node.nativeAddons.join(', ')}) are built against its glibc, which may be newer than the final image's`,
      suggestion: `build on node:${node.base.major} instead of ${facts.baseImage!.raw}`,
      class: 'unsafe',
    });
  }
  const lockless = node.installLocks.find((l) => l.frozen && !l.present);
  if (lockless) {
    const line = lockless.run.ins.getRange().start.line + 1;
    return unchanged(facts.doc.source, {
      rule: 'node/lockfile-missing',
      reason: lockless.lockName
        ? `the install on line ${line} needs ${lockless.lockName}, which is not copied into the image before it, so it stops`
        : `the install on line ${line} needs a lockfile and the build context has none, so it stops`,
      suggestion: lockless.lockName
        ? `copy ${lockless.lockName} before the install (COPY package*.json ./)`
        : 'commit the lockfile, or use npm install',
      line,
    });
  }
  const target = options.target ?? 'auto';
  const site = detectStaticSite(node, node.appContext);
  if (site.kind === 'skip' && (target === 'auto' || target === 'nginx')) {
    return unchanged(facts.doc.source, {
      rule: 'static/detect-static-site',
      reason: `looks like a static site, but ${site.reason}`,
    });
  }
  if (site.kind === 'static' && (target === 'auto' || target === 'nginx' || target === 'cgr')) {
    const { isDevServer, needsBuildStep, servedBy } = site.site;
    if (isDevServer && needsBuildStep && !options.devToProduction) {
      return unchanged(facts.doc.source, {
        rule: 'node/dev-server-start',
        reason: `a development container: it runs the dev server "${servedBy}" and never builds the site for production`,
        suggestion: `--dev-to-production builds it (${needsBuildStep}) and serves the files from nginx; or add RUN ${needsBuildStep} to the Dockerfile`,
        line: startLine(facts),
      });
    }
    if (site.site.underBase) {
      return unchanged(facts.doc.source, {
        rule: 'static/base-path',
        reason: `${site.site.underBase} (the root redirects there), while nginx would serve the files at /`,
        suggestion:
          'build with base "/", or copy the output under that path in a stage of your own',
        line: startLine(facts),
      });
    }
    const variant = target === 'cgr' ? 'chainguard' : (options.nginx ?? 'alpine');
    const result = finish(
      facts,
      staticNginx(node, site.site, options, variant, node.appContext),
      context,
      null,
      options,
    );
    if (result.changed && isDevServer) {
      result.warnings.push({
        rule: 'static/dev-server-replaced',
        reason: needsBuildStep
          ? `--dev-to-production: the development server "${servedBy}" is replaced by the production build on nginx; check the site before shipping`
          : `the development server "${servedBy}" is replaced by nginx serving the build the Dockerfile already makes; unknown paths still get index.html, as the dev server's history fallback did`,
      });
    }
    return result;
  }
  if (target === 'nginx') {
    const why =
      site.kind === 'server'
        ? site.reason
        : 'no static-site framework and static serving command were found';
    return unchanged(facts.doc.source, {
      rule: 'static/detect-static-site',
      reason: `--target nginx needs a static site: ${why}`,
      suggestion: '--target auto',
    });
  }
  let result: PlanResult;
  switch (target) {
    case 'auto': {
      const blocker = distrolessBlocker(node);
      result = blocker === null ? nodeDistroless(node, options) : nodeSlim(node, options, blocker);
      if (result.ok && blocker !== null)
        result.plan.warnings.unshift({
          rule: 'node/slim-final-stage',
          reason: `not distroless: ${blocker}`,
        });
      break;
    }
    case 'distroless':
      result = nodeDistroless(node, options);
      break;
    case 'cgr':
      result = nodeCgr(node, options);
      break;
    case 'slim':
      result = nodeSlim(node, options, '--target slim');
      break;
    default:
      return unchanged(facts.doc.source, {
        rule: 'common/target',
        reason: `--target ${target} is not for Node servers`,
        suggestion: '--target distroless, cgr or slim',
      });
  }
  return finish(facts, result, context, resolvedNodeArgv(node), options);
}

/**
 * The analysis, or the first problem already known when the analysis cannot read the context
 * (a broken package.json matters less than a COPY that fails before it is read).
 */
function orFirstProblem<T>(known: BuildProblem[], analyze: () => T): T | BuildProblem {
  try {
    return analyze();
  } catch (e) {
    const first = firstProblem(known);
    if (first && e instanceof DockerizeError) return first;
    throw e;
  }
}

/** The original start command resolved through package.json: what node is started with. */
function resolvedNodeArgv(node: ReturnType<typeof analyzeNode>): string[] | null {
  const start = node.start;
  if (!start.ok) return null;
  const init = start.init ? [start.init.program, ...start.init.args, '--'] : [];
  // A package script running a package's bin (ts-node) may be started as that bin itself.
  if (start.keptScript) return [...init, start.keptScript.tool, ...start.keptScript.args];
  return [...init, 'node', ...start.nodeArgs];
}

function rewriteGo(
  facts: StageFacts,
  options: TransformOptions,
  context: BuildContext,
  builder: BuilderProfile,
  common: BuildProblem[],
): TransformResult {
  const go = orFirstProblem(common, () => analyzeGo(facts, context, builder));
  if ('rule' in go) return cannotBuild(facts.doc.source, go);
  const problem = firstProblem([...common, ...go.buildProblems]);
  if (problem) return cannotBuild(facts.doc.source, problem);
  const goArgv =
    'skip' in go.start ? null : [...(go.start.entrypoint ?? []), ...(go.start.cmd ?? [])];
  switch (options.target ?? 'auto') {
    case 'auto':
    case 'distroless':
      return finish(facts, goDistroless(go, options), context, goArgv, options);
    case 'scratch':
      return finish(facts, goScratch(go, options), context, goArgv, options);
    case 'cgr':
      return finish(facts, goCgr(go, options), context, goArgv, options);
    default:
      return unchanged(facts.doc.source, {
        rule: 'common/target',
        reason: `--target ${options.target} is not for Go binaries`,
        suggestion: '--target distroless, scratch or cgr',
      });
  }
}

/**
 * Applies a plan and checks the result: the structural rules, then the runtime contract (every
 * difference between what the original stage and the new final stage run must be explained by
 * one of the rewrite's rule ids). `resolvedArgv` is the original start command as the analysis
 * resolved it (npm start -> node server.js), which the final stage may run instead.
 */
function finish(
  facts: StageFacts,
  result: PlanResult,
  context: BuildContext,
  resolvedArgv: string[] | null = null,
  options: TransformOptions = {},
): TransformResult {
  const source = facts.doc.source;
  if (!result.ok) return unchanged(source, result.skip);
  const { plan } = result;
  let output = applyChanges(source, plan.changes);
  const observedNotes: Note[] = [];
  // verify --observe --write: what the original was seen to need, a step of its own on the
  // rewritten text (transforms/common/observed-needs.ts), before the checks below.
  if (hasObservedNeeds(options.observed)) {
    const observed = observedNeeds(parseDockerfile(output), options.observed, {
      finalHasShell: plan.finalHasShell,
      finalImage: plan.finalImage,
    });
    if (!observed.ok) return unchanged(source, observed.skip);
    output = applyChanges(output, observed.changes);
    observedNotes.push(...observed.changes.map((c) => c.note), ...observed.warnings);
  }
  const outDoc = parseDockerfile(output);
  const problems = validateParsed(outDoc, { shellLess: !plan.finalHasShell });
  const outStages = stagesOf(outDoc);
  const builder = builderDefaults(facts);
  const before = contractOf(facts.doc, facts.stage, plan.finalDefaults ? builder : NEUTRAL);
  const after = contractOf(outDoc, outStages[outStages.length - 1], plan.finalDefaults ?? NEUTRAL);
  const notes = [...plan.changes.map((c) => c.note), ...plan.warnings, ...observedNotes];
  for (const d of checkContract(before, after, resolvedArgv, notes))
    problems.push(
      `the final stage changes ${d.field} from ${d.before} to ${d.after} and no rule explains it`,
    );
  if (problems.length > 0) {
    return unchanged(source, {
      rule: 'common/validate-output',
      reason: `the rewrite failed its own checks, so nothing is written: ${problems.join('; ')}`,
      suggestion: 'please report this Dockerfile as a bug',
    });
  }
  // --harden keeps the file's own final image, so whatever a compose file runs in it still runs.
  const newFiles = [...(plan.newFiles ?? [])];
  const edits = [...plan.changes.map((c) => c.note), ...observedNotes];
  if (plan.finalDefaults && context.runs?.length) {
    const finalStage = outStages[outStages.length - 1];
    const runs = imageRunPlan(
      context.runs,
      { ...before, entrypoint: entrypointOf(facts.doc, facts.stage, builder) },
      { ...after, entrypoint: entrypointOf(outDoc, finalStage, plan.finalDefaults) },
      finalPrograms(plan),
      outStages[0].name,
      context.paths,
    );
    if (runs.skip) return unchanged(source, runs.skip);
    if (runs.override) {
      newFiles.push(runs.override.file);
      edits.push(runs.override.note);
    }
  }
  const warnings = [
    ...plan.warnings,
    ...bindMountWarnings(context.mounts ?? [], before.user, after.user),
  ];
  const registry = facts.baseImage?.registry;
  if (registry && !plan.finalImage.startsWith(registry + '/') && plan.finalImage !== 'scratch') {
    warnings.push({
      rule: 'common/registry-mirror',
      reason: `the builder comes from ${registry}, the final image ${plan.finalImage} from its public registry: mirror it too if builds cannot reach that`,
    });
  }
  if (facts.onbuild.length > 0 && facts.stageCount === 1) {
    warnings.push({
      rule: 'common/onbuild-triggers',
      reason: `${facts.onbuild.length} ONBUILD trigger(s) stay in the build stage: images built FROM the new final image no longer run them`,
    });
  }
  return {
    output,
    changed: output !== source,
    target: plan.target,
    baseImage: facts.baseImage?.raw,
    finalImage: plan.finalImage,
    finalHasShell: plan.finalHasShell,
    edits,
    warnings,
    contract: { before, after },
    ...(newFiles.length > 0 ? { newFiles } : {}),
    ...(plan.runtimeFolders ? { runtimeFolders: plan.runtimeFolders } : {}),
  };
}

/** Programs a compose service can still run in the final image besides the app's own. */
function finalPrograms(plan: Plan): string[] {
  const images = NODE_FACTS.imagePrograms;
  if (plan.target === 'slim') return [...images.slim, ...images.standard, 'node'];
  return plan.finalHasShell ? [...images.standard, 'sh'] : [];
}

/** Both sides of a --harden check share the file's own final image, whatever it is. */
const NEUTRAL: ImageDefaults = { entrypoint: null, cmd: null, workdir: '/', user: '' };

function builderDefaults(facts: StageFacts): ImageDefaults {
  const b = builderOf(facts);
  return {
    entrypoint: b?.entrypoint ?? null,
    cmd: b?.cmd ?? null,
    workdir: b?.workdir ?? '/',
    user: '',
    env: b?.env ?? {},
  };
}

/**
 * --node MAJOR: the builder's image moves to that major in the same tag family (alpine stays
 * alpine), so the final stage follows; refused for a lower major than the app's.
 */
function nodeUpgrade(
  facts: StageFacts,
  major: number,
): { facts: StageFacts; note: { image: string; from: string | null } } | { skip: Skip } {
  const ref = facts.baseImage!;
  const base = analyzeNodeBase(ref);
  if (base.major !== null && major < base.major) {
    return {
      skip: {
        rule: 'node/upgrade-node',
        reason: `--node ${major} is lower than the app's Node ${base.major}; the tool never moves an app to an older Node`,
        suggestion: `--node ${base.major} or higher`,
      },
    };
  }
  // Pinned by digest alone, the image's own Node is not in the reference.
  const from = ref.tag === null ? null : base.tag;
  if (base.major === major) return { facts, note: { image: ref.raw, from } };
  const family = /alpine/.test(base.tag) ? '-alpine' : /slim/.test(base.tag) ? '-slim' : '';
  const tag = `${major}${family}`;
  // The name as written (registry, path), without its tag or digest.
  const written = ref.raw.replace(/@.*$/, '');
  const name = ref.tag === null ? written : written.slice(0, written.lastIndexOf(':'));
  const raw = `${name}:${tag}`;
  return {
    facts: { ...facts, baseImage: { ...ref, tag, digest: null, raw } },
    note: { image: raw, from },
  };
}
