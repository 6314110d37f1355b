import fs from 'fs';
import path from 'path';
import { TRANSFORMS } from '../transforms';
import { refusalsMarkdown, SKIP_RULES } from '../src/skip-class';

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

describe('the skip rule table', () => {
  const skips = new Set<string>();
  for (const file of filesUnder(path.join(__dirname, 'fixtures'), ''))
    if (file.endsWith('expected.skip')) skips.add(fs.readFileSync(file, 'utf8').trim());
  it.each([...skips].sort())('%s, a skip in the fixtures, is in SKIP_RULES', (id) => {
    expect(Object.keys(SKIP_RULES)).toContain(id);
  });

  // Every refusal has a fixture that holds its trigger where the right outcome is not that
  // refusal (issue 25, F39): `negative-of` in the fixture's folder names the rule(s).
  const negatives = new Map<string, string[]>();
  for (const file of filesUnder(path.join(__dirname, 'fixtures'), ''))
    if (path.basename(file) === 'negative-of') {
      const dir = path.dirname(file);
      const skip = path.join(dir, 'expected.skip');
      const refused = fs.existsSync(skip) ? fs.readFileSync(skip, 'utf8').trim() : null;
      for (const rule of fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())) {
        const list = negatives.get(rule.trim()) ?? [];
        list.push(
          `${path.relative(path.join(__dirname, 'fixtures'), dir)}${refused ? ` (${refused})` : ''}`,
        );
        negatives.set(rule.trim(), list);
      }
    }
  // Rules no fixture can reach, each covered by a test that shows it not firing instead.
  const NEGATIVE_EXCEPTIONS: Record<string, { why: string; file: string; test: string }> = {
    'common/validate-output': {
      why: 'fires only on a bug in a planner; the contract check passes every explained change',
      file: 'contract.test.ts',
      test: 'accepts a final stage that keeps everything, with the user change explained',
    },
    'common/symlink-outside': {
      why: 'a CLI condition (a folder search finds a link to a file outside the paths given)',
      file: 'cli/hostile.test.ts',
      test: 'follows a symlink named on the command line, as asked',
    },
    'common/context-outside': {
      why: 'a CLI condition (a compose build context outside the paths given)',
      file: 'cli/hostile.test.ts',
      test: 'writes nginx.conf into a compose build context inside the paths given',
    },
  };
  it.each(Object.keys(SKIP_RULES).sort())(
    '%s has a negative fixture, where its trigger is and it does not refuse',
    (id) => {
      const exception = NEGATIVE_EXCEPTIONS[id];
      if (exception) {
        const text = fs.readFileSync(path.join(__dirname, exception.file), 'utf8');
        expect(text).toContain(`it('${exception.test}'`);
        return;
      }
      const fixtures = negatives.get(id) ?? [];
      expect(fixtures).not.toEqual([]);
      // A different, true refusal is allowed (the fixture says why); the same one is not.
      expect(fixtures.filter((f) => !f.endsWith(` (${id})`))).not.toEqual([]);
    },
  );
  it('names each negative fixture not-<rule>-<shape>, in the scope folder of its first rule', () => {
    for (const file of filesUnder(path.join(__dirname, 'fixtures'), ''))
      if (path.basename(file) === 'negative-of') {
        const [scope, name] = path
          .relative(path.join(__dirname, 'fixtures'), path.dirname(file))
          .split(path.sep);
        const first = fs.readFileSync(file, 'utf8').split('\n')[0].trim();
        expect(`${scope}/${name}`).toMatch(new RegExp(`^${first.replace('/', '/not-')}-`));
      }
  });
  it.each([...negatives.keys()].sort())('%s, named in a negative-of, is in SKIP_RULES', (id) => {
    expect(Object.keys(SKIP_RULES)).toContain(id);
    expect(NEGATIVE_EXCEPTIONS[id]).toBeUndefined();
  });

  it("README's list of refusals is the one the table makes", () => {
    const readme = path.join(ROOT, 'README.md');
    const text = fs.readFileSync(readme, 'utf8');
    const section = /(<!-- refusals:start -->\n)([\s\S]*?)(<!-- refusals:end -->)/;
    // As prettier leaves it: a blank line on each side of the list.
    const wanted = '\n' + refusalsMarkdown() + '\n\n';
    if (process.env.UPDATE_README === '1')
      fs.writeFileSync(
        readme,
        text.replace(section, (_m, a, _b, c) => a + wanted + c),
      );
    expect(section.exec(fs.readFileSync(readme, 'utf8'))?.[2]).toBe(wanted);
  });
});
