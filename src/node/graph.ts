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
  /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)|\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)|^\s*import\s+(?!type\s)(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"\n]+)['"]|^\s*export\s+(?!type\s)[\w*{}\s,$]+\s+from\s+['"]([^'"\n]+)['"]/gm;

/** The package a bare specifier names (`@scope/pkg/sub` -> `@scope/pkg`), or null for a builtin. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? null : name;
}

export function moduleGraph(entry: string, files: Record<string, string>): ModuleGraph {
  const graph: ModuleGraph = { files: [], packages: new Map() };
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    graph.files.push(file);
    const text = files[file];
    if (text === undefined || file.endsWith('.json')) continue;
    const code = withoutComments(text);
    for (const m of code.matchAll(SPECIFIERS)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const base = posix.normalize(posix.join(posix.dirname(file), spec));
        // Compiled ESM names the .js of a .ts source: try the name without its extension too.
        const stems = [base, base.replace(/\.(c|m)?js$/, '')];
        const hit = stems
          .flatMap((s) => CANDIDATES.map((c) => s + c))
          .find((p) => files[p] !== undefined);
        if (hit) queue.push(hit);
      } else {
        const pkg = packageOf(spec);
        if (pkg && !graph.packages.has(pkg))
          graph.packages.set(pkg, `${file}:${lineAt(code, m.index!)}`);
      }
    }
  }
  return graph;
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
