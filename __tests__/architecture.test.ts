// The layout is part of the design (docs/architecture.md): what every runtime shares sits below
// the runtime folders, no module imports itself through others, and folders, not file-name
// prefixes, carry the grouping. Read from the import lines, as text, so it needs no build.
import fs from 'fs';
import path from 'path';

const ROOT = path.join(__dirname, '..');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'fixtures') sources(rel, out);
    else if (e.isFile() && e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  const base = path.posix.join(path.posix.dirname(from), spec);
  for (const candidate of [base + '.ts', base + '/index.ts'])
    if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
  return null;
}

const FILES = [...sources('src'), ...sources('transforms')];
const GRAPH = new Map<string, string[]>(
  FILES.map((f) => {
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => resolveImport(f, m[1] ?? m[2]))
      .filter((t): t is string => t !== null);
    return [f, [...new Set(targets)]];
  }),
);

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

const RUNTIMES = ['src/node/', 'src/go/', 'src/static/'];
const SHARED = ['src/dockerfile/', 'src/build-context/', 'src/common/'];
const ABOVE = [...RUNTIMES, 'transforms/', 'src/cli/', 'src/verify/', 'src/engine.ts'];

describe('layout', () => {
  it('reads the import lines of every module', () => {
    expect(FILES.length).toBeGreaterThan(80);
    expect(GRAPH.get('src/engine.ts')).toContain('src/dockerfile/parse.ts');
  });

  it('finds the cycles of a small graph', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('has no import cycle', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });

  it.each(SHARED)(
    '%s imports nothing from a runtime folder, a transform, the CLI or verify',
    (dir) => {
      const upward = [...GRAPH]
        .filter(([f]) => f.startsWith(dir))
        .flatMap(([f, targets]) =>
          targets.filter((t) => ABOVE.some((a) => t.startsWith(a))).map((t) => `${f} -> ${t}`),
        );
      expect(upward).toEqual([]);
    },
  );

  it('no runtime folder imports another runtime folder, except static from node (a front-end is a Node build)', () => {
    const across = [...GRAPH].flatMap(([f, targets]) => {
      const own = RUNTIMES.find((r) => f.startsWith(r));
      if (!own) return [];
      return targets
        .filter((t) => RUNTIMES.some((r) => r !== own && t.startsWith(r)))
        .filter((t) => !(own === 'src/static/' && t.startsWith('src/node/')))
        .map((t) => `${f} -> ${t}`);
    });
    expect(across).toEqual([]);
  });

  it('no file name carries a runtime prefix: its folder says which runtime it is for', () => {
    const prefixed = [...sources('src'), ...sources('transforms'), ...sources('__tests__')].filter(
      (f) => /^(node|go|golang|static)-/.test(path.posix.basename(f)),
    );
    expect(prefixed).toEqual([]);
  });
});
