import type { RuleId } from '../../types';
import type { PackageJson } from '../package-json';
import { stripComments } from '../sources';

/** What an adapter reads to recognise its framework: manifests and config files, as text. */
export interface AppFacts {
  packageJson: PackageJson | null;
  /** The build context listing, relative to the app's folder in the context. */
  paths: readonly string[];
  /** Context files read for analysis (config files among them), relative to the same folder. */
  files: Record<string, string>;
}

/**
 * How a framework's app runs in production, as facts the transforms turn into edits: what node
 * runs, which built paths the final stage needs (all of the app folder when null), folders it
 * writes, environment it needs, and the packages the dev-dependency prune must keep.
 */
export interface Production {
  framework: string;
  /** The adapter that answered (its id), for what it knows beyond this answer. */
  adapter?: string;
  rule: RuleId;
  reason: string;
  /** Arguments to node, the script first, relative to the app folder. */
  nodeArgs: string[];
  copy: Array<{ from: string; to: string }> | null;
  writable: string[];
  env: Record<string, string>;
  needsPackages: string[];
  /** The build output the start needs (`.next`), which the Dockerfile must build or bring. */
  builtOutput: string | null;
  /**
   * The build the framework's start runs itself before serving (`nest build` in `nest start`): an
   * original without a build step still works, and the builder can run it once instead.
   */
  buildsAtStart?: string;
}

export type AdapterAnswer =
  { production: Production } | { skip: { rule: RuleId; reason: string; suggestion?: string } };

/** One framework: does this start command belong to it, and how does it run in production? */
export interface FrameworkAdapter {
  id: string;
  /** A start through the framework's CLI (`next start -p 4000`), or null when not its own. */
  fromCli?(words: string[], app: AppFacts): AdapterAnswer | null;
  /** A start that runs node on the framework's build output (`node .output/server/index.mjs`). */
  fromNode?(nodeArgs: string[], app: AppFacts): AdapterAnswer | null;
  /**
   * What the framework loads when it starts in production, beside its build output: its config
   * file and the sources its server build runs (app-relative), whose requires and imports are
   * loaded from node_modules; and packages it loads by name (a config's module list).
   */
  startup?(production: Production, app: AppFacts): Startup;
}

export interface Startup {
  entries: string[];
  packages?: Map<string, string>;
}

const CODE = /\.(c|m)?[jt]sx?$/;

/** The code files of the app under these folders, and the root files with these stems. */
export function codeUnder(app: AppFacts, folders: string[], rootStems: string[]): string[] {
  return Object.keys(app.files)
    .filter((p) => CODE.test(p) && !p.includes('node_modules/'))
    .filter(
      (p) =>
        folders.some((f) => p.startsWith(f + '/')) ||
        rootStems.some((s) => p.replace(/\.(c|m)?[jt]sx?$/, '') === s),
    )
    .sort();
}

/** The config file's text (`next.config.mjs`), read as text and never evaluated. */
export function configText(app: AppFacts, base: string): string | null {
  for (const ext of ['js', 'mjs', 'cjs', 'ts', 'mts']) {
    const t = app.files[`${base}.${ext}`];
    // A commented-out option (`// output: 'standalone'`) is not set.
    if (t !== undefined) return stripComments(t);
  }
  return null;
}

/** The lowest version a range allows (`^15.2.1` -> [15, 2, 1]), or null for tags and URLs. */
export function minVersion(range: string | undefined): number[] | null {
  const m = range ? /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(range) : null;
  if (!m || /^(latest|next|canary|\*|x)$/.test(range ?? '')) return null;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function atLeast(v: number[] | null, min: string): boolean {
  if (v === null) return false;
  const w = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (v[i] !== w[i]) return v[i] > w[i];
  return true;
}

export function dependencyRange(app: AppFacts, name: string): string | undefined {
  return app.packageJson?.dependencies?.[name] ?? app.packageJson?.devDependencies?.[name];
}

/** The value of `--flag value`, `--flag=value` or `-f value` among CLI words. */
export function flagValue(words: string[], names: string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    for (const n of names) {
      if (words[i] === n) return words[i + 1] ?? null;
      if (words[i].startsWith(n + '=')) return words[i].slice(n.length + 1);
    }
  }
  return null;
}

/**
 * The version of a dependency the lockfile pins (package-lock.json or yarn.lock), else the lowest
 * its range in package.json allows; null when neither says.
 */
export function versionOf(app: AppFacts, name: string): number[] | null {
  const npm = app.files['package-lock.json'] ?? app.files['npm-shrinkwrap.json'];
  if (npm !== undefined) {
    try {
      const lock = JSON.parse(npm) as {
        packages?: Record<string, { version?: string }>;
        dependencies?: Record<string, { version?: string }>;
      };
      const v =
        lock.packages?.[`node_modules/${name}`]?.version ?? lock.dependencies?.[name]?.version;
      if (v) return minVersion(v);
    } catch {
      // An unreadable lockfile says nothing; package.json's range still does.
    }
  }
  const yarn = app.files['yarn.lock'];
  if (yarn !== undefined) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const m = new RegExp(`^"?${escaped}@[^\\n]*:\\n\\s+version:? "?([\\d.]+)`, 'm').exec(yarn);
    if (m) return minVersion(m[1]);
  }
  return minVersion(dependencyRange(app, name));
}
