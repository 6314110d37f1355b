import { builtinModules } from 'module';
import posix from 'path/posix';

/**
 * The code a Node app runs: the files reachable from its start file through relative requires and
 * imports, and the packages those files load. Static reading only (the text is searched, never
 * run); what cannot be followed (a computed require, a path alias) is simply not followed.
 */
export interface ModuleGraph {
  /** Context paths reachable from the entry, the entry first. */
  files: string[];
  /** Packages the reachable files load at run time (type-only imports left out), with where. */
  packages: Map<string, string>;
  /**
   * What the reading could not follow, so the packages above may not be all the code loads: a
   * require of a computed name, a relative module the context does not have, an unresolved alias.
   */
  unknown: string[];
}

/** tsconfig's module resolution, for path aliases (`@/lib/db` -> `src/lib/db`). */
export interface Aliases {
  /** The folder `baseUrl` names, relative to the context ('' for its root). */
  baseUrl: string | null;
  paths: Record<string, string[]>;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));
// What node (or a TypeScript compiler's output) tries for a relative specifier.
const CANDIDATES = [
  '',
  '.js',
  '.cjs',
  '.mjs',
  '.json',
  '.ts',
  '.tsx',
  '.jsx',
  '.mts',
  '.cts',
  '/index.js',
  '/index.cjs',
  '/index.mjs',
  '/index.ts',
  '/index.tsx',
];
const SPECIFIERS =
  /\brequire\s*\(\s*['"`]([^'"`$\n]+)['"`]\s*\)|\bimport\s*\(\s*['"`]([^'"`$\n]+)['"`]\s*\)|^\s*import\s+(?!type\s)(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"\n]+)['"]|^\s*export\s+(?!type\s)[\w*{}\s,$]+\s+from\s+['"]([^'"\n]+)['"]/gm;
// require(x) / import(x) of something other than a plain string: a name only known at run time.
const COMPUTED = /(?<![.\w$])(require|import)\s*\(\s*(?!['"`][^'"`$\n]*['"`]\s*\))(?=[^\s)])/g;
// A relative require of these is data, not code that loads packages.
const DATA = /\.(json|node|css|scss|sass|less|svg|png|jpe?g|gif|html|txt|md|ya?ml|wasm)$/;

/** The package a bare specifier names (`@scope/pkg/sub` -> `@scope/pkg`), or null for a builtin. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? null : name;
}

export function moduleGraph(
  entries: string | readonly string[],
  files: Record<string, string>,
  aliases: Aliases | null = null,
): ModuleGraph {
  const graph: ModuleGraph = { files: [], packages: new Map(), unknown: [] };
  const seen = new Set<string>();
  const queue = typeof entries === 'string' ? [entries] : [...entries];
  const find = (base: string): string | undefined => {
    // Compiled ESM names the .js of a .ts source: try the name without its extension too.
    const stems = [base, base.replace(/\.(c|m)?js$/, '')];
    return stems.flatMap((s) => CANDIDATES.map((c) => s + c)).find((p) => files[p] !== undefined);
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    graph.files.push(file);
    const text = files[file];
    if (text === undefined || file.endsWith('.json')) continue;
    const code = withoutComments(text);
    for (const m of code.matchAll(COMPUTED))
      graph.unknown.push(`${file}:${lineAt(code, m.index!)} ${m[1]}s a name computed at run time`);
    for (const m of code.matchAll(SPECIFIERS)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      const where = `${file}:${lineAt(code, m.index!)}`;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const hit = find(posix.normalize(posix.join(posix.dirname(file), spec)));
        if (hit) queue.push(hit);
        else if (!DATA.test(spec) && !spec.startsWith('/'))
          graph.unknown.push(`${where} requires ${spec}, which the build context does not have`);
        continue;
      }
      const aliased = aliases ? resolveAlias(spec, aliases, find) : null;
      if (aliased === 'unresolved') {
        graph.unknown.push(`${where} requires ${spec}, a tsconfig path alias it could not follow`);
        continue;
      }
      if (aliased) {
        queue.push(aliased);
        continue;
      }
      const pkg = packageOf(spec);
      if (pkg && !graph.packages.has(pkg)) graph.packages.set(pkg, where);
    }
  }
  return graph;
}

/** A specifier tsconfig's paths or baseUrl map to a file of the context, 'unresolved', or null. */
function resolveAlias(
  spec: string,
  aliases: Aliases,
  find: (base: string) => string | undefined,
): string | 'unresolved' | null {
  const base = aliases.baseUrl ?? '';
  for (const [pattern, targets] of Object.entries(aliases.paths)) {
    const star = pattern.indexOf('*');
    const prefix = star < 0 ? pattern : pattern.slice(0, star);
    const suffix = star < 0 ? '' : pattern.slice(star + 1);
    const matches = star < 0 ? spec === pattern : spec.startsWith(prefix) && spec.endsWith(suffix);
    if (!matches) continue;
    const middle = star < 0 ? '' : spec.slice(prefix.length, spec.length - suffix.length);
    for (const t of targets) {
      const hit = find(posix.normalize(posix.join(base, t.replace('*', middle))));
      if (hit) return hit;
    }
    return 'unresolved';
  }
  if (aliases.baseUrl !== null) {
    const hit = find(posix.normalize(posix.join(base, spec)));
    if (hit) return hit;
  }
  return null;
}

function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The source file a built start file comes from, when the build is TypeScript's own compiler
 * (tsconfig's outDir/rootDir, or dist|build -> src): `dist/main.js` -> `src/main.ts`.
 */
export function sourceOfBuilt(
  built: string,
  files: Record<string, string>,
  tsconfig: { outDir?: string; rootDir?: string } | null,
): string | null {
  const pairs: Array<[string, string]> = [];
  const out = tsconfig?.outDir?.replace(/^\.\//, '').replace(/\/$/, '');
  if (out) pairs.push([out, tsconfig?.rootDir?.replace(/^\.\//, '').replace(/\/$/, '') ?? '']);
  pairs.push(['dist', 'src'], ['build', 'src'], ['dist/src', 'src'], ['dist', '']);
  for (const [from, to] of pairs) {
    if (!built.startsWith(from + '/')) continue;
    const rest = built.slice(from.length + 1).replace(/\.(c|m)?js$/, '');
    const stem = to ? `${to}/${rest}` : rest;
    const hit = ['.ts', '.tsx', '.mts', '.cts', '.js']
      .map((e) => stem + e)
      .find((p) => files[p] !== undefined);
    if (hit) return hit;
  }
  return null;
}
