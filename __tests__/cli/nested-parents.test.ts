import fs from 'fs';
import os from 'os';
import path from 'path';
import { FIXTURES } from '../helpers/fixtures';
import { runCli } from '../helpers/cli';

// Every fixture and example, run from inside folders whose parents hold a package.json, a
// .gitignore and a .dockerignore but no .git (a monorepo checkout, a CI workspace): the files
// above the build context must neither crash the tool nor change what it decides.
const ROOT = path.join(__dirname, '..', '..');

interface Case {
  name: string;
  dockerfile: string;
  context: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !['context', 'node_modules', 'expected-files'].includes(e.name))
        walk(p);
      else if (e.name === 'Dockerfile') {
        const context = path.join(dir, 'context');
        out.push({
          name: path.relative(ROOT, dir),
          dockerfile: p,
          context: fs.existsSync(context) ? context : dir,
        });
      }
    }
  };
  walk(FIXTURES);
  walk(path.join(ROOT, 'examples'));
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function lay(base: string, c: Case): { dir: string; dockerfile: string } {
  const dir = path.join(base, c.name.replace(/\//g, '_'));
  fs.cpSync(c.context, path.join(dir, 'ctx'), { recursive: true, verbatimSymlinks: true });
  fs.copyFileSync(c.dockerfile, path.join(dir, 'Dockerfile'));
  return { dir, dockerfile: path.join(dir, 'Dockerfile') };
}

async function decide(dir: string): Promise<string> {
  const r = await runCli(['--format', 'json', '--context', 'ctx', 'Dockerfile'], dir);
  expect(r.stderr).not.toMatch(/internal error/i);
  const doc = JSON.parse(r.stdout) as {
    files: Array<{ status: string; skipped?: { rule: string }; edits?: Array<{ rule: string }> }>;
  };
  const f = doc.files[0];
  return `${r.code} ${f.status} ${f.skipped?.rule ?? ''} ${(f.edits ?? []).map((e) => e.rule).join(',')}`;
}

describe('run below folders with a package.json, .gitignore and .dockerignore, without .git', () => {
  const all = cases();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-nested-'));
  const plain = path.join(tmp, 'plain');
  const nested = path.join(tmp, 'outer', 'packages', 'inner');
  fs.mkdirSync(nested, { recursive: true });
  fs.writeFileSync(
    path.join(tmp, 'outer', 'package.json'),
    JSON.stringify({
      name: 'outer',
      version: '9.9.9',
      private: true,
      workspaces: ['packages/*'],
      scripts: { start: 'node missing.js', build: 'exit 1' },
      dependencies: { 'left-pad': '1' },
    }),
  );
  fs.writeFileSync(
    path.join(tmp, 'outer', '.gitignore'),
    'node_modules\n.env\ndist/\n*.log\n/packages/*/ctx/config.json\n',
  );
  fs.writeFileSync(path.join(tmp, 'outer', '.dockerignore'), '*\n!packages\n');
  fs.writeFileSync(path.join(tmp, 'outer', 'packages', '.gitignore'), '*\n');

  it('covers the fixtures and examples', () => {
    expect(all.length).toBeGreaterThan(250);
  });

  it.each(all.map((c) => [c.name, c] as const))(
    '%s: same decision, no internal error',
    async (_n, c) => {
      const here = lay(plain, c);
      const there = lay(nested, c);
      expect(await decide(there.dir)).toBe(await decide(here.dir));
    },
  );
});
