import posix from 'path/posix';
import { contextPathOf, imagePathOf } from '../dockerfile/copies';
import type { StageFacts } from '../dockerfile/stage';
import type { BuildContext } from '../types';
import { FRAMEWORKS } from './frameworks';
import type { AppFacts, Production } from './frameworks';
import { Aliases, ModuleGraph, moduleGraph, packageOf, sourceOfBuilt } from './graph';
import type { PackageJson } from './package-json';
import type { StartCommand } from './start/types';

/**
 * What the app loads when it starts, as far as reading the code can tell: the start file's module
 * graph, the packages node's own flags load (-r dotenv/config), and what a framework reads when it
 * starts (its config file and the sources its server build runs). devDependencies are pruned only
 * when this is known whole.
 */
export interface StartModules {
  known: boolean;
  /** What the reading could not follow (the first few), said when devDependencies stay. */
  blockers: string[];
  /** Packages the start loads, with where. */
  packages: Map<string, string>;
  /**
   * Packages a bundling build may inline (the start file's own imports); those a framework or
   * node loads by itself (a config's requires, -r flags) are always loaded from node_modules.
   */
  inlinable: Set<string>;
}

interface TsConfig {
  outDir?: string;
  rootDir?: string;
  baseUrl?: string;
  paths?: Record<string, string[]>;
}

/** tsconfig.json's compilerOptions (JSON with comments and trailing commas), or null. */
export function readTsconfig(text: string | undefined): TsConfig | null {
  if (text === undefined) return null;
  try {
    return (
      ((
        JSON.parse(
          text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"])\/\/[^\n]*/g, '$1').replace(/,(\s*[}\]])/g, '$1'),
        ) as { compilerOptions?: TsConfig }
      ).compilerOptions as TsConfig) ?? null
    );
  } catch {
    return null;
  }
}

function aliasesOf(tsconfig: TsConfig | null, appRoot: string): Aliases | null {
  if (!tsconfig || (tsconfig.baseUrl === undefined && tsconfig.paths === undefined)) return null;
  const base = posix.normalize(posix.join(appRoot, tsconfig.baseUrl ?? '.')).replace(/^\.$/, '');
  return { baseUrl: base, paths: tsconfig.paths ?? {} };
}

/** The app folder's files, relative to it, for the framework adapters. */
function appFilesOf(context: BuildContext, appRoot: string): AppFacts['files'] {
  return Object.fromEntries(
    Object.entries(context.files)
      .filter(([p]) => p.startsWith(appRoot))
      .map(([p, t]) => [p.slice(appRoot.length), t]),
  );
}

/** The module graph from the file node starts, or from the TypeScript source it is built from. */
export function startGraph(
  stage: StageFacts,
  start: StartCommand,
  context: BuildContext,
  appRoot: string,
): ModuleGraph | null {
  if (!start.ok || start.script === null || start.production || start.globalCli || start.keptScript)
    return null;
  const runDir = posix.resolve(stage.workdir ?? '/', start.cwd ?? '.');
  const image = posix.resolve(runDir, start.script);
  const entry = contextPathOf(stage, context.paths, image);
  if (entry !== null) return graphFrom(entry, context, appRoot);
  // A file the build makes (dist/ from tsc over a COPY of src/): its source, found where the
  // COPYs put the context's files, relative to the folder the build runs in.
  const base = stage.workdir ?? '/';
  const byImage: Record<string, string> = {};
  const contextOf: Record<string, string> = {};
  for (const [p, text] of Object.entries(context.files)) {
    if (!p.startsWith(appRoot)) continue;
    const at = imagePathOf(stage, context.paths, p);
    if (at === null || !at.startsWith(base === '/' ? '/' : base + '/')) continue;
    const rel = posix.relative(base, at);
    byImage[rel] = text;
    contextOf[rel] = p;
  }
  const tsconfigAt = Object.keys(contextOf).find((r) => r === 'tsconfig.json');
  const tsconfig = readTsconfig(tsconfigAt ? context.files[contextOf[tsconfigAt]] : undefined);
  const source = sourceOfBuilt(posix.relative(base, image), byImage, tsconfig);
  if (source === null) return null;
  return moduleGraph(contextOf[source], context.files, aliasesOf(tsconfig, appRoot));
}

/** The graph from a context file, or from the source a built file comes from; null when neither. */
function graphFrom(entry: string, context: BuildContext, appRoot: string): ModuleGraph | null {
  const tsconfig = readTsconfig(context.files[appRoot + 'tsconfig.json']);
  const aliases = aliasesOf(tsconfig, appRoot);
  if (context.files[entry] !== undefined) return moduleGraph(entry, context.files, aliases);
  const source = sourceOfBuilt(entry.slice(appRoot.length), appFilesOf(context, appRoot), tsconfig);
  if (source === null) return null;
  return moduleGraph(appRoot + source, context.files, aliases);
}

// node's own options that load a module before the script.
const LOADING_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader']);

export function startModules(
  start: StartCommand,
  context: BuildContext,
  appRoot: string,
  packageJson: PackageJson | null,
  graph: ModuleGraph | null,
): StartModules {
  const unknown = (why: string): StartModules => ({
    known: false,
    blockers: [why],
    packages: new Map(),
    inlinable: new Set(),
  });
  if (!start.ok) return unknown('the start command does not resolve');
  if (start.keptScript)
    return unknown(
      `the start runs ${start.keptScript.tool}, whose loading this tool does not follow`,
    );
  if (start.globalCli)
    return unknown(
      `the start runs ${start.globalCli.command[0]}, whose loading this tool does not follow`,
    );
  const packages = new Map<string, string>();
  const flags = start.nodeArgs.slice(0, Math.max(0, start.nodeArgs.indexOf(start.script ?? '')));
  flags.forEach((f, i) => {
    const value = LOADING_FLAGS.has(f) ? flags[i + 1] : /^--(require|import)=(.+)$/.exec(f)?.[2];
    const pkg = value && !value.startsWith('.') && !value.startsWith('/') ? packageOf(value) : null;
    if (pkg) packages.set(pkg, `node ${f}`);
  });
  const production = start.production;
  if (production) {
    if (production.copy) return { known: true, blockers: [], packages, inlinable: new Set() };
    const found = frameworkGraph(production, context, appRoot, packageJson);
    if (found === null)
      return unknown(
        `${production.framework}'s start loads code this tool does not follow (its build output)`,
      );
    return merged(found.graph, new Map([...packages, ...found.packages]), false);
  }
  if (graph === null)
    return unknown(
      `${start.script ?? 'the start'} is not a source file of the build context (built output whose source this tool cannot find)`,
    );
  return merged(graph, packages, true);
}

function merged(
  graph: ModuleGraph,
  packages: Map<string, string>,
  bundlable: boolean,
): StartModules {
  const all = new Map([...packages, ...graph.packages]);
  return {
    known: graph.unknown.length === 0,
    blockers: graph.unknown.slice(0, 3),
    packages: all,
    inlinable: new Set(bundlable ? [...graph.packages.keys()].filter((p) => !packages.has(p)) : []),
  };
}

/**
 * What a framework's production start loads: the files its adapter names (config, the sources its
 * server build runs) or, for node on a built file, the source it is built from.
 */
function frameworkGraph(
  production: Production,
  context: BuildContext,
  appRoot: string,
  packageJson: PackageJson | null,
): { graph: ModuleGraph; packages: Map<string, string> } | null {
  const adapter = FRAMEWORKS.find((f) => f.id === (production.adapter ?? production.framework));
  const app: AppFacts = {
    packageJson,
    paths: context.paths.filter((p) => p.startsWith(appRoot)).map((p) => p.slice(appRoot.length)),
    files: appFilesOf(context, appRoot),
  };
  const startup = adapter?.startup?.(production, app);
  if (startup) {
    const tsconfig = readTsconfig(context.files[appRoot + 'tsconfig.json']);
    const graph = moduleGraph(
      startup.entries.map((e) => appRoot + e),
      context.files,
      aliasesOf(tsconfig, appRoot),
    );
    return { graph, packages: startup.packages ?? new Map() };
  }
  const script = production.nodeArgs[0];
  if (script === undefined || script.includes('node_modules/')) return null;
  const graph = graphFrom(appRoot + script, context, appRoot);
  return graph ? { graph, packages: new Map() } : null;
}
