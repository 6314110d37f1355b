import type { PackageJson } from '../../src/node/package-json';
import { resolveStartCommand } from '../../src/node/start/resolve';
import type { StartCommand } from '../../src/node/start/types';

const pkg = (
  scripts: Record<string, string>,
  devDependencies: Record<string, string> = {},
): PackageJson => ({ scripts, devDependencies });

type Row = [string, string[] | { shell: string }, PackageJson | null, string[] | string, string[]?];

// [title, command, package.json, expected node args or the rule of the refusal, context paths]
const ROWS: Row[] = [
  ['node server.js', ['node', 'server.js'], null, ['server.js']],
  ['nodejs with absolute path', ['/usr/local/bin/node', '/app/index.js'], null, ['/app/index.js']],
  [
    'node flags before the script',
    ['node', '--enable-source-maps', '-r', 'dotenv/config', 'dist/main.js', '--port', '80'],
    null,
    ['--enable-source-maps', '-r', 'dotenv/config', 'dist/main.js', '--port', '80'],
  ],
  ['a bare script runs through the node entrypoint', ['index.js'], null, ['index.js']],
  ['shell form node', { shell: 'node server.js' }, null, ['server.js']],
  [
    'shell form with quotes',
    { shell: 'node "my app.js" --name \'a b\'' },
    null,
    ['my app.js', '--name', 'a b'],
  ],
  ['shell form exec node', { shell: 'exec node server.js' }, null, ['server.js']],
  ['exec in a script', ['npm', 'start'], pkg({ start: 'exec node s.js' }), ['s.js']],
  [
    'exec in sh -c',
    ['sh', '-c', 'exec node --enable-source-maps s.js'],
    null,
    ['--enable-source-maps', 's.js'],
  ],
  ['exec form exec is no program', ['exec', 'node', 's.js'], null, 'node/resolve-start-command'],
  [
    'a build behind || runs only when the output is missing',
    ['npm', 'start'],
    pkg({ start: 'test -f dist/s.js || npm run build; node dist/s.js' }),
    'node/resolve-start-command',
  ],
  ['npm start', ['npm', 'start'], pkg({ start: 'node server.js' }), ['server.js']],
  ['npm run X', ['npm', 'run', 'serve'], pkg({ serve: 'node dist/server.js' }), ['dist/server.js']],
  ['npm run-script X', ['npm', 'run-script', 'serve'], pkg({ serve: 'node a.js' }), ['a.js']],
  [
    'npm start with -- args',
    ['npm', 'start', '--', '--port', '8080'],
    pkg({ start: 'node s.js' }),
    ['s.js', '--port', '8080'],
  ],
  ['yarn start', ['yarn', 'start'], pkg({ start: 'node main.js' }), ['main.js']],
  ['yarn X', ['yarn', 'prod'], pkg({ prod: 'node main.js' }), ['main.js']],
  ['pnpm start', ['pnpm', 'start'], pkg({ start: 'node app.mjs' }), ['app.mjs']],
  ['pnpm run X', ['pnpm', 'run', 'go'], pkg({ go: 'node app.cjs' }), ['app.cjs']],
  [
    'scripts calling scripts',
    ['npm', 'start'],
    pkg({ start: 'npm run serve', serve: 'node --inspect=0 s.js' }),
    'node/dev-server-start',
  ],
  [
    'nested scripts resolve',
    ['npm', 'start'],
    pkg({ start: 'npm run serve', serve: 'node s.js' }),
    ['s.js'],
  ],
  ['no start script: npm runs server.js', ['npm', 'start'], pkg({}), ['server.js'], ['server.js']],
  ['no start script and no server.js', ['npm', 'start'], pkg({}), 'node/start-script-missing'],
  [
    'missing script',
    ['npm', 'run', 'nope'],
    pkg({ start: 'node a.js' }),
    'node/start-script-missing',
  ],
  ['no package.json', ['npm', 'start'], null, 'node/resolve-start-command'],
  [
    'prestart hook',
    ['npm', 'start'],
    pkg({ prestart: 'node migrate.js', start: 'node s.js' }),
    'node/resolve-start-command',
  ],
  [
    '&& in a script',
    ['npm', 'start'],
    pkg({ start: 'node a.js && node b.js' }),
    'node/resolve-start-command',
  ],
  [
    'pipe in a script',
    ['npm', 'start'],
    pkg({ start: 'node a.js | tee log' }),
    'node/resolve-start-command',
  ],
  [
    'env assignment in a script',
    ['npm', 'start'],
    pkg({ start: 'NODE_ENV=production node a.js' }),
    ['a.js'],
  ],
  [
    '$VAR in a script',
    ['npm', 'start'],
    pkg({ start: 'node a.js --port $PORT' }),
    'node/resolve-start-command',
  ],
  [
    'cross-env in a script',
    ['npm', 'start'],
    pkg({ start: 'cross-env NODE_ENV=production node a.js' }),
    ['a.js'],
  ],
  [
    'build at start in a script',
    ['npm', 'start'],
    pkg({ start: 'npm run build && node dist/a.js' }),
    'node/build-at-start',
  ],
  [
    'build at start in CMD',
    { shell: 'npm run build && npm start' },
    pkg({ start: 'node a.js' }),
    'node/build-at-start',
  ],
  [
    'devDependency before the app',
    ['npm', 'start'],
    pkg({ start: 'prisma migrate deploy && node dist/main.js' }, { prisma: '6' }),
    'node/devdependency-start',
  ],
  ['prisma directly', ['npx', 'prisma', 'migrate', 'deploy'], null, 'node/devdependency-start'],
  ['npx ts-node', ['npx', 'ts-node', 'src/index.ts'], null, 'node/dev-server-start'],
  ['npx other', ['npx', 'some-cli'], null, 'node/resolve-start-command'],
  ['ts-node', ['ts-node', 'src/index.ts'], null, 'node/dev-server-start'],
  [
    'node -r ts-node/register',
    ['node', '-r', 'ts-node/register', 'src/index.ts'],
    null,
    'node/dev-server-start',
  ],
  ['node on a .ts file', ['node', 'src/index.ts'], null, 'node/dev-server-start'],
  ['node --watch', ['node', '--watch', 'a.js'], null, 'node/dev-server-start'],
  ['nodemon', ['nodemon', 'a.js'], null, 'node/dev-server-start'],
  ['npm run dev', ['npm', 'run', 'dev'], pkg({ dev: 'nodemon a.js' }), 'node/dev-server-start'],
  ['ng serve', ['ng', 'serve'], null, 'node/dev-server-start'],
  [
    'next start through a script, next version unknown',
    ['npm', 'start'],
    pkg({ start: 'next start' }),
    'node/next-start',
  ],
  ['pm2-runtime', ['pm2-runtime', 'ecosystem.config.js'], null, 'node/global-cli-start'],
  [
    'next start with next in dependencies',
    ['npx', 'next', 'start', '-p', '4000'],
    { scripts: {}, dependencies: { next: '^15.5.0' } },
    ['node_modules/next/dist/bin/next', 'start', '-p', '4000'],
  ],
  ['nest start', ['nest', 'start'], null, ['dist/main']],
  [
    'cross-env with a port',
    ['npm', 'start'],
    pkg({ start: 'cross-env PORT=80 node a.js' }),
    ['a.js'],
  ],
  ['cd before node', { shell: 'cd server && node index.js' }, null, ['index.js']],
  ['sh -c with cd', ['sh', '-c', 'cd /srv && NODE_ENV=production node a.js'], null, ['a.js']],
  ['serve -s build', ['serve', '-s', 'build'], null, 'node/global-cli-start'],
  ['a shell script', ['./docker-entrypoint.sh'], null, 'node/resolve-start-command'],
  ['sh -c', ['sh', '-c', 'node a.js'], null, ['a.js']],
  ['sh -c with a pipe', ['sh', '-c', 'node a.js | tee log'], null, 'node/resolve-start-command'],
  ['unknown program', ['gunicorn', 'app'], null, 'node/resolve-start-command'],
  ['empty', [], null, 'node/resolve-start-command'],
  ['tini wrapper', ['tini', '--', 'node', 'a.js'], null, ['a.js']],
  [
    'dumb-init wrapper with flags',
    ['/usr/bin/dumb-init', '--single-child', '--', 'npm', 'start'],
    pkg({ start: 'node a.js' }),
    ['a.js'],
  ],
];

describe('resolveStartCommand', () => {
  it.each(ROWS.map(([t, c, p, e, paths]) => [t, c, p, e, paths ?? []] as const))(
    '%s',
    (_title, command, packageJson, expected, paths) => {
      const r: StartCommand = resolveStartCommand({ command, packageJson, paths });
      if (Array.isArray(expected)) {
        expect(r).toMatchObject({ ok: true, nodeArgs: expected });
      } else {
        expect(r).toMatchObject({ ok: false, rule: expected });
        if (!r.ok) expect(r.reason).toMatch(/\w/);
      }
    },
  );

  it('records the init wrapper', () => {
    const r = resolveStartCommand({
      command: ['dumb-init', '--rewrite', '15:2', '--', 'node', 'a.js'],
      packageJson: null,
      paths: [],
    });
    expect(r).toMatchObject({ ok: true, init: { name: 'dumb-init', program: 'dumb-init' } });
  });

  it('explains the resolution trail', () => {
    const r = resolveStartCommand({
      command: ['npm', 'start'],
      packageJson: pkg({ start: 'npm run serve', serve: 'node s.js' }),
      paths: [],
    });
    expect(r.ok && r.trail).toEqual([
      'npm start',
      'scripts.start',
      'npm run serve',
      'scripts.serve',
      'node s.js',
    ]);
  });
});

describe('start line prefixes', () => {
  it.each([
    ['NODE_ENV=production node a.js', { NODE_ENV: 'production' }, undefined],
    [
      'cross-env NODE_ENV=production PORT=80 node a.js',
      { NODE_ENV: 'production', PORT: '80' },
      undefined,
    ],
    ['cd api && node a.js', undefined, 'api'],
    [
      'cd api && NODE_OPTIONS="--max-old-space-size=512" node a.js',
      { NODE_OPTIONS: '--max-old-space-size=512' },
      'api',
    ],
  ])('%s', (shell, env, cwd) => {
    const r = resolveStartCommand({ command: { shell }, packageJson: null, paths: [] });
    expect(r.ok && [r.env, r.cwd]).toEqual([env, cwd]);
  });

  it('refuses a prefix with variables or more than one command', () => {
    for (const shell of [
      'PORT=$P node a.js',
      'cd a && cd b && node a.js',
      'cd $DIR && node a.js',
    ]) {
      expect(resolveStartCommand({ command: { shell }, packageJson: null, paths: [] }).ok).toBe(
        false,
      );
    }
  });
});
