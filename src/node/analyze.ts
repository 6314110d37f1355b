import posix from 'path/posix';
import { BUILDERS, NODE_FACTS } from '../templates';
import type { BuildContext, TransformOptions } from '../types';
import { effectiveCommand } from '../dockerfile/command';
import { analyzeNodeBase, NodeBase } from './image';
import {
  classifyCommand,
  CommandClass,
  detectPackageManager,
  PackageManager,
  PackageManagerFacts,
} from './package-manager';
import { commandCwds, RunStep, StageFacts } from '../dockerfile/stage';
import { keptOsPackages, osPackageInstalls } from '../common/os-packages';
import { findAppRoot, rootedContext } from './app-root';
import { LockAgreement, lockfileAgrees, lockfileAtInstall } from './lockfile';
import { NodeSourceFacts, scanNodeSources } from './sources';
import { ProgramNeed, programNeeds } from './programs';
import { NpmEnvironment, npmEnvironment } from './npm-env';
import { ModuleGraph } from './graph';
import { startGraph, StartModules, startModules } from './start-modules';
import { ToolInstalls, toolInstalls } from './tools';
import { PackageJson, readPackageJson } from './package-json';
import { resolveStartCommand } from './start/resolve';
import type { StartCommand } from './start/types';

export interface ClassifiedRun {
  run: RunStep;
  classes: CommandClass[];
}

/** The lockfile an install step would use, and whether `npm ci` / a frozen install can use it. */
export interface InstallLock {
  run: RunStep;
  /** null: the build context has no lockfile of the manager the install uses. */
  lockName: string | null;
  /** The install already refuses to change the lockfile (npm ci, --frozen-lockfile, --immutable). */
  frozen: boolean;
  /** Copied into the install's folder before it runs (not only present in the context). */
  present: boolean;
  /** null: the lockfile could not be read (too large), so agreement is unknown. */
  agreement: LockAgreement | null;
}

export interface NodeFacts {
  stage: StageFacts;
  base: NodeBase;
  packageJson: PackageJson | null;
  pm: PackageManagerFacts;
  runs: ClassifiedRun[];
  /** OS packages installed in the stage that the runtime needs (not build tools). */
  runtimeOsPackages: string[];
  /** npm dependencies that load OS libraries a full node image has and a slim one lacks (Prisma). */
  sharedLibraries: Array<{ package: string; debian: string[]; why: string }>;
  osPackageTool: 'apt' | 'apk' | 'other' | null;
  nativeAddons: string[];
  globalClis: string[];
  hasBuildStep: boolean;
  installOmitsDev: boolean;
  start: StartCommand;
  installLocks: InstallLock[];
  sources: NodeSourceFacts;
  /** Programs the app starts at run time, and what provides each in the original image. */
  programs: ProgramNeed[];
  /**
   * The code the start file reaches and the packages it loads; null when the start file is not
   * a source of the context (a framework's output, a bundle the build makes).
   */
  graph: ModuleGraph | null;
  /** Browsers and OS packages a tool (Playwright, Puppeteer, an npm script) installs for run time. */
  tools: ToolInstalls;
  /** What the start loads (its graph, node's -r flags, a framework's config and server sources). */
  startModules: StartModules;
  /**
   * Yarn Plug'n'Play: dependencies live in .yarn/cache zips, found through .pnp.cjs, with no
   * node_modules; set to the file or setting that says so.
   */
  pnp: string | null;
  /** The build bundles the app (webpack, esbuild, ...): its output needs no packages it inlined. */
  bundled: boolean;
  /** The npm_* variables the app reads that its package-manager start set; null when none. */
  npmEnv: NpmEnvironment | null;
  /** The build context listing (for the folders the app writes and .dockerignore). */
  contextPaths: readonly string[];
  /** The context's .dockerignore text, if it has one. */
  dockerignore: string | null;
  /** The context's root .gitignore text, if it has one. */
  gitignore: string | null;
  /** The context folder holding the app's package.json ('' for the root, else with a trailing /). */
  appRoot: string;
  /** The build context seen from that folder (manifests, configs). */
  appContext: BuildContext;
  /** The whole build context (its README, compose facts, every source read). */
  context: BuildContext;
  /** --node MAJOR: the builder image the stage moves to, and the tag it had. */
  /** --node: the builder's new image, and the tag it had (null: pinned by digest alone). */
  upgrade?: { image: string; from: string | null };
}

const BUILD_ONLY = new Set(NODE_FACTS.buildOnlyOsPackages);
const INIT = new Set(NODE_FACTS.initPackages);
const NATIVE = new Set(NODE_FACTS.nativeAddonPackages);
const DISTRO_NODE = BUILDERS.distroNode.packages;
const LOCKFILE_MANAGER = NODE_FACTS.lockfiles as Record<string, string>;

const SHARED_LIBRARIES = NODE_FACTS.sharedLibraryPackages as Record<
  string,
  { debian: string[]; why: string }
>;
const BUNDLERS = new RegExp(`\\b(${NODE_FACTS.bundlers.join('|')})\\b`);

/** Why the app installs with Yarn Plug'n'Play, or null (node_modules, or another manager). */
function plugAndPlay(context: BuildContext, pm: PackageManagerFacts): string | null {
  const rc = context.files['.yarnrc.yml'];
  const linker = rc === undefined ? null : /^\s*nodeLinker\s*:\s*["']?([\w-]+)/m.exec(rc)?.[1];
  // Yarn 2+ told to make node_modules removes a .pnp.cjs left from before at its install, and its
  // yarn run no longer loads one.
  if (pm.flavor === 'yarn-berry' && (linker === 'node-modules' || linker === 'pnpm')) return null;
  // A .pnp.cjs left in a repository that installs with npm (no .yarn/cache, not Yarn 2+) is stale.
  const yarnInstalls = pm.manager === 'yarn' || pm.flavor === 'yarn-berry';
  for (const f of ['.pnp.cjs', '.pnp.js'])
    if (context.paths.includes(f) && (yarnInstalls || context.paths.includes('.yarn/cache/')))
      return `${f} is in the build context`;
  if (pm.flavor !== 'yarn-berry') return null;
  return linker === 'pnp'
    ? '.yarnrc.yml sets nodeLinker: pnp'
    : "Yarn 2+ installs with Plug'n'Play unless .yarnrc.yml sets nodeLinker: node-modules";
}

/**
 * Whether NODE_ENV is production when the first install runs (npm, yarn and pnpm then leave
 * devDependencies out): set by an ENV or an ARG default above it. One set after the install, for
 * the app's run time, leaves the installed devDependencies in place.
 */
function productionAtInstall(stage: StageFacts, runs: ClassifiedRun[]): boolean {
  const install = runs.find((r) => r.classes.some((c) => c.kind === 'install'));
  if (!install) return false;
  const line = install.run.ins.getRange().start.line;
  const before = (ins: { getRange(): { start: { line: number } } }) =>
    ins.getRange().start.line < line;
  let value: string | undefined;
  // An ENV wins over an ARG of the same name, wherever each is.
  for (const a of stage.args.filter(before)) {
    const p = a.getProperty();
    if (p?.getName() === 'NODE_ENV') value = p.getValue() ?? value;
  }
  for (const e of stage.envs.filter(before))
    for (const p of e.getProperties()) if (p.getName() === 'NODE_ENV') value = p.getValue() ?? '';
  return /^prod/.test(value ?? '');
}

export function analyzeNode(
  stage: StageFacts,
  fullContext: BuildContext,
  options: TransformOptions = {},
  nodeFromDistro: number | null = null,
): NodeFacts {
  if (!stage.baseImage) throw new Error('analyzeNode needs a resolved base image');
  // Node from NodeSource on ubuntu/debian: glibc, the pinned major, and the official image of
  // that major as the slim family.
  const base: NodeBase =
    nodeFromDistro !== null
      ? {
          tag: String(nodeFromDistro),
          major: nodeFromDistro,
          variant: null,
          libc: 'glibc',
          slimTag: `${nodeFromDistro}-slim`,
        }
      : analyzeNodeBase(stage.baseImage);
  const runs: ClassifiedRun[] = stage.runs.map((run) => ({
    run,
    classes: run.commands.map(classifyCommand),
  }));
  const appRoot = findAppRoot(
    stage,
    fullContext,
    runs
      .map(({ run, classes }) => ({ run, index: classes.findIndex((c) => c.kind === 'install') }))
      .filter((r) => r.index >= 0),
  );
  // Manifests, lockfiles and configs are read where the app's package.json is.
  const context = rootedContext(fullContext, appRoot);
  const packageJson = readPackageJson(context);
  const classes = runs.flatMap((r) => r.classes);
  const installer = classes.find((c) => c.kind === 'install')?.manager ?? null;
  const pm = detectPackageManager(context.paths, context.files, installer as PackageManager | null);
  const runtimeOsPackages: string[] = [];
  const installedOsPackages: string[] = [];
  let osPackageTool: NodeFacts['osPackageTool'] = null;
  for (const r of runs) {
    for (const install of osPackageInstalls(r.run)) osPackageTool = install.tool;
  }
  // What the stage still has at its end: a package a later purge or `apk del` removes is gone.
  for (const p of keptOsPackages(stage.runs)) {
    installedOsPackages.push(p);
    const toolchain = nodeFromDistro !== null && DISTRO_NODE.includes(p);
    if (!BUILD_ONLY.has(p) && !INIT.has(p) && !toolchain) runtimeOsPackages.push(p);
  }
  const deps = { ...(packageJson?.dependencies ?? {}) };
  const sources = scanNodeSources(
    Object.fromEntries(Object.entries(fullContext.files).filter(([p]) => p.startsWith(appRoot))),
  );
  const command = effectiveCommand(stage);
  const start: StartCommand =
    command === null
      ? {
          ok: false,
          rule: 'node/resolve-start-command',
          reason: 'the stage has no CMD or ENTRYPOINT, so the image would start a node REPL',
        }
      : resolveStartCommand({
          command,
          packageJson,
          paths: context.paths,
          devToProduction: options.devToProduction,
          files: context.files,
          globalPackages: classes
            .filter((c) => c.kind === 'global-install')
            .flatMap((c) => c.packages ?? [])
            .map((p) => p.replace(/(?<=.)@.*$/, '')),
        });
  const graph = startGraph(stage, start, fullContext, appRoot);
  const loadedAtStart = startModules(start, fullContext, appRoot, packageJson, graph);
  // Programs count where the running code can start them: files the start reaches, when known.
  const reached = graph ? new Set(graph.files) : null;
  const programs = programNeeds(
    reached
      ? sources.programs.filter((p) => reached.has(p.where.replace(/:\d+$/, '')))
      : sources.programs,
    deps,
    installedOsPackages,
    base,
  );
  // A build-only package (python3, git) becomes a runtime one when the app starts its program.
  for (const need of programs)
    for (const p of need.packages) if (!runtimeOsPackages.includes(p)) runtimeOsPackages.push(p);
  const nativeAddons = Object.keys(deps).filter((d) => NATIVE.has(d));
  const globalClis = classes
    .filter((c) => c.kind === 'global-install')
    .flatMap((c) => c.packages ?? []);
  const lockName =
    pm.manager === null
      ? null
      : (pm.lockfiles.find((l) => LOCKFILE_MANAGER[l] === pm.manager) ?? null);
  const installLocks: InstallLock[] = runs
    .filter((r) => r.classes.some((c) => c.kind === 'install'))
    .map(({ run, classes }) => {
      const index = classes.findIndex((c) => c.kind === 'install');
      return {
        run,
        lockName,
        frozen: /\bnpm\s+ci\b|--frozen-lockfile|--immutable\b/.test(run.commands[index]),
        present:
          lockName !== null &&
          lockfileAtInstall(stage, run, commandCwds(run)[index], appRoot + lockName, fullContext),
        agreement:
          lockName !== null && context.files[lockName] !== undefined && packageJson
            ? lockfileAgrees(packageJson, lockName, context.files[lockName])
            : null,
      };
    });
  // npm_* values count where the running code reads them too: a script a RUN runs under npm
  // (npm run build-info reading npm_package_version) is not the app.
  const npmReads = reached
    ? sources.npmEnvReads.filter((r) => reached.has(r.where.replace(/:\d+$/, '')))
    : sources.npmEnvReads;
  const npmNames = [...new Set(npmReads.map((r) => r.name))].sort();
  const npmEnv =
    start.ok && start.packageScript && npmNames.length > 0
      ? npmEnvironment(
          npmNames,
          start.packageScript,
          posix.resolve(stage.workdir ?? '/', start.cwd ?? '.'),
          base.major,
        )
      : null;
  return {
    stage,
    base,
    packageJson,
    npmEnv,
    contextPaths: fullContext.paths,
    dockerignore: fullContext.files['.dockerignore'] ?? null,
    gitignore: fullContext.files['.gitignore'] ?? null,
    appRoot,
    appContext: context,
    context: fullContext,
    pm,
    installLocks,
    sources: {
      ...sources,
      npmEnv: npmNames,
      npmEnvWhere: Object.fromEntries(
        npmNames.map((n) => [n, npmReads.find((r) => r.name === n)!.where]),
      ),
    },
    programs,
    runs,
    graph,
    startModules: loadedAtStart,
    tools: toolInstalls(
      stage,
      runs.map((r) => r.run),
      packageJson,
      posix.resolve(stage.workdir ?? '/'),
    ),
    pnp: plugAndPlay(context, pm),
    sharedLibraries: Object.keys(deps)
      .filter((d) => SHARED_LIBRARIES[d] !== undefined)
      .map((d) => ({ package: d, ...SHARED_LIBRARIES[d] })),
    bundled: Object.values(packageJson?.scripts ?? {}).some((s) => BUNDLERS.test(s)),
    runtimeOsPackages,
    osPackageTool,
    nativeAddons,
    globalClis,
    hasBuildStep: classes.some((c) => c.kind === 'build'),
    installOmitsDev:
      classes.some((c) => c.kind === 'install' && c.omitsDev) || productionAtInstall(stage, runs),
    start,
  };
}
