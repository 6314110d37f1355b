import { parseDockerIgnore } from '../../src/build-context/dockerignore';

// Each row: .dockerignore text, a context path, whether BuildKit leaves it out of the context.
const ROWS: Array<[string, string, string, boolean]> = [
  ['a name is anchored at the root', 'node_modules', 'node_modules/x/index.js', true],
  ['a name is not matched below the root', 'node_modules', 'web/node_modules/x.js', false],
  ['**/ matches at any depth', '**/node_modules', 'web/node_modules/x.js', true],
  ['**/ matches at the root too', '**/node_modules', 'node_modules', true],
  ['* stays inside one folder', '*.md', 'docs/README.md', false],
  ['* matches in the root folder', '*.md', 'README.md', true],
  ['**/*.md matches in folders', '**/*.md', 'docs/README.md', true],
  ['? matches one character', 'file?.txt', 'file1.txt', true],
  ['a folder pattern excludes its files', 'dist', 'dist/app.js', true],
  ['a trailing slash is cleaned', 'dist/', 'dist/app.js', true],
  ['a leading slash is cleaned', '/secret.env', 'secret.env', true],
  ['! re-includes what an earlier line excluded', '*.json\n!package.json', 'package.json', false],
  ['the last matching line wins', '!package.json\n*.json', 'package.json', true],
  ['comments and blank lines are ignored', '# node_modules\n\n', 'node_modules/a', false],
  ['character classes', 'log[0-9].txt', 'log7.txt', true],
  ['no match, not excluded', 'dist', 'src/dist.ts', false],
];

describe('.dockerignore (BuildKit semantics)', () => {
  it.each(ROWS)('%s', (_name, text, path, excluded) => {
    expect(parseDockerIgnore(text).isExcluded(path)).toBe(excluded);
  });

  it('says when a ! pattern could bring back a file inside an excluded folder', () => {
    const ignore = parseDockerIgnore('docs\n!docs/README.md');
    expect(ignore.isExcluded('docs')).toBe(true);
    expect(ignore.mayReinclude('docs')).toBe(true);
    expect(ignore.mayReinclude('dist')).toBe(false);
  });
});
