import fs from 'fs';
import path from 'path';
import { TRANSFORMS } from '../transforms';

const ROOT = path.join(__dirname, '..');
const RULE = /\b(common|node|go|static)\/[a-z0-9]+(?:-[a-z0-9]+)*\b/g;

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

const documented = new Set(
  [
    ...fs
      .readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8')
      .matchAll(/^## ([a-z]+\/[a-z0-9-]+)$/gm),
  ].map((m) => m[1]),
);

describe('rule ids', () => {
  const used = new Set<string>();
  for (const file of [
    ...filesUnder(path.join(ROOT, 'src'), '.ts'),
    ...filesUnder(path.join(ROOT, 'transforms'), '.ts'),
  ]) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/['`]((?:common|node|go|static)\/[a-z0-9-]+)['`]/g))
      used.add(m[1]);
  }
  for (const file of filesUnder(path.join(__dirname, 'fixtures'), '')) {
    if (/expected\.(rules|skip)$/.test(file))
      for (const m of fs.readFileSync(file, 'utf8').matchAll(RULE)) used.add(m[0]);
  }
  const families = [
    'node/distroless',
    'node/cgr',
    'node/slim',
    'go/distroless',
    'go/scratch',
    'go/cgr',
  ];
  for (const f of families) if (!f.startsWith('static')) used.add(`${f}-final-stage`);

  it.each([...used].sort())('%s is documented in docs/rules.md', (id) => {
    expect(documented.has(id)).toBe(true);
  });
});

describe('transform registry', () => {
  const files = filesUnder(path.join(ROOT, 'transforms'), '.ts').filter(
    (f) => !f.endsWith('index.ts'),
  );
  it('registers every transform module, with id = <scope>/<basename>', () => {
    const ids = TRANSFORMS.map((t) => t.id).sort();
    const expected = files
      .map((f) => path.relative(path.join(ROOT, 'transforms'), f).replace(/\.ts$/, ''))
      .sort();
    expect(ids).toEqual(expected);
  });
  it.each(TRANSFORMS.map((t) => [t.id, t] as const))(
    '%s has a summary and is documented',
    (id, t) => {
      expect(t.summary.length).toBeGreaterThan(20);
      expect(documented.has(id)).toBe(true);
    },
  );
});
