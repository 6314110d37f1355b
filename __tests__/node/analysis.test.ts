import { staticPath } from '../../src/build-context/js-expr';
import { versionOf } from '../../src/node/frameworks/types';
import { scanNodeSources } from '../../src/node/sources';
import { npmEnvironment } from '../../src/node/npm-env';
import { lockfileAgrees } from '../../src/node/lockfile';

describe('staticPath', () => {
  it.each([
    ["'uploads/'", { base: 'cwd', path: 'uploads/', dynamicTail: false }],
    ['`data/app.db`', { base: 'cwd', path: 'data/app.db', dynamicTail: false }],
    [
      "path.join(__dirname, 'data', 'notes.db')",
      { base: 'dirname', path: 'data/notes.db', dynamicTail: false },
    ],
    ["path.join(process.cwd(), 'logs')", { base: 'cwd', path: 'logs', dynamicTail: false }],
    [
      "path.join(__dirname, '..', 'uploads', req.file.name)",
      { base: 'dirname', path: '../uploads', dynamicTail: true },
    ],
    ["__dirname + '/cache/' + key", { base: 'dirname', path: 'cache', dynamicTail: true }],
    ["'exports/' + id + '.csv'", { base: 'cwd', path: 'exports', dynamicTail: true }],
    ['`${__dirname}/public/${name}`', { base: 'dirname', path: 'public/', dynamicTail: true }],
    [
      "path.resolve('/var/lib/app', 'state.json')",
      { base: 'cwd', path: '/var/lib/app', dynamicTail: false },
    ],
  ])('%s', (expr, want) => {
    expect(staticPath(expr)).toEqual(want);
  });

  it('gives up on what it cannot read', () => {
    expect(staticPath('config.dir')).toBeNull();
    expect(staticPath('`${base}/x`')).toBeNull();
  });
});

describe('scanNodeSources', () => {
  it('finds npm_* reads in every form, not in comments', () => {
    const s = scanNodeSources({
      'src/a.js': [
        'const v = process.env.npm_package_version;',
        "const e = process.env['npm_lifecycle_event'];",
        'const { npm_package_name, PORT } = process.env;',
        '// process.env.npm_config_cache',
      ].join('\n'),
    });
    expect(s.npmEnv).toEqual(['npm_lifecycle_event', 'npm_package_name', 'npm_package_version']);
    expect(s.npmEnvWhere.npm_package_version).toBe('src/a.js:1');
  });

  it('finds programs started through child_process, with or without a shell', () => {
    const s = scanNodeSources({
      'a.js': [
        "const { spawn, exec, execFile } = require('child_process');",
        "spawn('ffmpeg', ['-i', f]);",
        "execFile('/usr/bin/convert', [a, b]);",
        "exec('git rev-parse HEAD', cb);",
        'spawn(tool, args);',
        'spawn(process.execPath, [worker]);',
        "const re = /x/; re.exec('abc');",
      ].join('\n'),
      'b.js': "spawn('notchild', []);",
    });
    expect(s.programs.map((p) => [p.name, p.shell])).toEqual([
      ['ffmpeg', false],
      ['/usr/bin/convert', false],
      [null, false],
      ['git', true],
    ]);
  });

  it('finds written files and folders through fs, databases and upload options', () => {
    const s = scanNodeSources({
      'src/server.js': [
        "import fs from 'node:fs';",
        "fs.mkdirSync(path.join(__dirname, '..', 'uploads'), { recursive: true });",
        "fs.writeFileSync('cache/state.json', data);",
        "const db = new sqlite3.Database('./db.sqlite');",
        "const upload = multer({ dest: 'tmp-uploads/' });",
        "fs.readFileSync('config.json');",
        "logger.add(new transports.File({ filename: 'logs/error.log' }));",
      ].join('\n'),
    });
    expect(s.written.map((w) => [w.base, w.path, w.kind])).toEqual([
      ['cwd', 'cache/state.json', 'file'],
      ['context', 'uploads', 'dir'],
      ['cwd', './db.sqlite', 'file'],
      ['cwd', 'tmp-uploads/', 'dir'],
      ['cwd', 'logs/error.log', 'file'],
    ]);
  });

  it('tells listen ports from fallbacks of PORT', () => {
    const s = scanNodeSources({ 'a.js': 'app.listen(80);\nconst port = process.env.PORT || 443;' });
    expect(s.listenPorts.map(([p]) => p)).toEqual([80]);
    expect(s.fallbackPorts.map(([p]) => p)).toEqual([443]);
  });

  it('reads a PORT fallback through parseInt or Number', () => {
    const s = scanNodeSources({
      'config.js': 'module.exports = { port: parseInt(process.env.PORT, 10) || 80 };',
      'b.js': 'const p = Number(process.env.PORT) ?? 81;',
    });
    expect(s.fallbackPorts.map(([p]) => p)).toEqual([81, 80]);
  });
});

describe('npmEnvironment', () => {
  const pkg = {
    name: 'svc',
    version: '1.2.3',
    description: 'd',
    config: { port: '8080' },
    scripts: { start: 'node server.js' },
  };
  const run = { manager: 'npm' as const, name: 'start', body: 'node server.js', pkg };

  it('gives what npm 7+ sets (measured), and nothing for fields it does not export', () => {
    const env = npmEnvironment(
      [
        'npm_package_version',
        'npm_package_config_port',
        'npm_package_description',
        'npm_lifecycle_event',
        'npm_package_json',
      ],
      run,
      '/app',
      22,
    );
    expect(env.values).toEqual({
      npm_package_version: '1.2.3',
      npm_package_config_port: '8080',
      npm_lifecycle_event: 'start',
      npm_package_json: '/app/package.json',
    });
    expect(env.unknown).toEqual([]);
  });

  it('flattens every field for yarn 1 and npm 6', () => {
    expect(
      npmEnvironment(['npm_package_description'], { ...run, manager: 'yarn' }, '/app', 22).values,
    ).toEqual({
      npm_package_description: 'd',
    });
    expect(npmEnvironment(['npm_package_description'], run, '/app', 14).values).toEqual({
      npm_package_description: 'd',
    });
  });

  it('reports machine-dependent variables as unknown', () => {
    expect(
      npmEnvironment(['npm_config_user_agent', 'npm_execpath'], run, '/app', 22).unknown,
    ).toEqual(['npm_config_user_agent', 'npm_execpath']);
  });
});

describe('lockfileAgrees', () => {
  const pkg = { dependencies: { express: '^4.21.2' }, devDependencies: { jest: '^30.0.0' } };
  it.each([
    [
      'npm v3 in sync',
      'package-lock.json',
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { express: '^4.21.2' }, devDependencies: { jest: '^30.0.0' } },
        },
      }),
      true,
    ],
    [
      'npm v3 with another range',
      'package-lock.json',
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { dependencies: { express: '^4.17.0' }, devDependencies: { jest: '^30.0.0' } },
        },
      }),
      false,
    ],
    [
      // Listing every package is not enough: npm 7+ checks the whole v1 tree (see the test below).
      'npm v1 listing every package',
      'package-lock.json',
      JSON.stringify({ lockfileVersion: 1, dependencies: { express: {}, jest: {} } }),
      false,
    ],
    ['an empty {} lockfile', 'package-lock.json', '{}', false],
    [
      'yarn 1 in sync',
      'yarn.lock',
      '# yarn lockfile v1\n\n"express@^4.21.2", "express@^4.0.0":\n  version "4.21.2"\n\njest@^30.0.0:\n  version "30.0.0"\n',
      true,
    ],
    [
      'yarn 1 missing a dependency',
      'yarn.lock',
      '# yarn lockfile v1\n\nexpress@^4.21.2:\n  version "4.21.2"\n',
      false,
    ],
    [
      'yarn berry',
      'yarn.lock',
      '__metadata:\n  version: 8\n\n"express@npm:^4.21.2":\n  version: 4.21.2\n\n"jest@npm:^30.0.0":\n  version: 30.0.0\n',
      true,
    ],
    [
      'pnpm 9',
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      express:\n        specifier: ^4.21.2\n        version: 4.21.2\n    devDependencies:\n      jest:\n        specifier: ^30.0.0\n        version: 30.0.0\n",
      true,
    ],
    [
      'pnpm 5 specifiers out of sync',
      'pnpm-lock.yaml',
      'lockfileVersion: 5.4\nspecifiers:\n  express: ^4.0.0\n  jest: ^30.0.0\n',
      false,
    ],
  ])('%s', (_name, lockName, text, agrees) => {
    expect(lockfileAgrees(pkg, lockName, text).agrees).toBe(agrees);
  });

  it('says a v1 lockfile cannot be checked, rather than that it is out of sync', () => {
    const text = JSON.stringify({ lockfileVersion: 1, dependencies: { express: {}, jest: {} } });
    expect(lockfileAgrees(pkg, 'package-lock.json', text)).toEqual({
      agrees: false,
      unchecked: true,
      reason:
        'it is lockfileVersion 1 (npm 6), and npm 7 and later check its whole tree and stop at any nested mismatch',
    });
  });
});

describe('versionOf (framework adapters)', () => {
  const app = (files: Record<string, string>) => ({
    packageJson: { dependencies: { nuxt: '^2.0.0' } },
    paths: [],
    files,
  });
  it.each([
    ['package.json range only', {}, [2, 0, 0]],
    [
      'package-lock.json v3',
      {
        'package-lock.json': JSON.stringify({
          packages: { 'node_modules/nuxt': { version: '2.18.1' } },
        }),
      },
      [2, 18, 1],
    ],
    ['yarn.lock v1', { 'yarn.lock': '# yarn\n\nnuxt@^2.0.0:\n  version "2.15.8"\n' }, [2, 15, 8]],
    [
      'yarn.lock berry',
      { 'yarn.lock': '__metadata:\n\n"nuxt@npm:^2.0.0":\n  version: 2.17.3\n' },
      [2, 17, 3],
    ],
  ])('%s', (_name, files, want) => {
    expect(versionOf(app(files), 'nuxt')).toEqual(want);
  });
});
