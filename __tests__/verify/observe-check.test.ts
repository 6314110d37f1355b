import fs from 'fs';
import path from 'path';
import { ImageIndex, resolveImageUser } from '../../src/verify/image-index';
import { observe, Observation } from '../../src/verify/observation';
import { checkObservation, RewriteFacts, tidyNeeds } from '../../src/verify/observe-check';
import { parseTrace } from '../../src/verify/trace';
import { DISTROLESS_BASE, indexOf, TarFile } from '../helpers/tar';

const TRACES = path.join(__dirname, '..', 'fixtures', 'traces');
const trace = (name: string, container: string, cwd: string) =>
  parseTrace(fs.readFileSync(path.join(TRACES, `${name}.trace`), 'utf8'), { container, cwd });

const JOURNAL = '85147206110a3f92127010bdae65f80642e4e6bd94e998b66a5ec93c1e0d54b5';
const PLUGINS = 'c571ed52344983d149a735a912451fb5eae94611fb4be3a5f328aa15291fb980';
const PAGES = 'fe895edb5f1599f6437d83e837bf5f4e0274e091481df05ba313ee328bcdd2cf';

/** The original image, as far as the checks ask: what existed at start, and OS packages. */
const NODE_ORIGINAL: TarFile[] = [
  { name: 'usr/local/bin/node', mode: 0o755 },
  { name: 'app/server.js' },
  { name: 'app/package.json' },
  { name: 'app/lib/journal/index.js' },
  { name: 'app/lib/journal/package.json' },
  { name: 'app/node_modules/journal', type: 'symlink', link: '../lib/journal' },
  { name: 'app/node_modules/ms/index.js' },
  { name: 'app/node_modules/ms/package.json' },
  { name: 'app/plugins.json' },
  { name: 'etc/localtime', type: 'symlink', link: '/usr/share/zoneinfo/Etc/UTC' },
  { name: 'usr/share/zoneinfo/Etc/UTC' },
];

const NODE_DISTROLESS: TarFile[] = [...DISTROLESS_BASE, { name: 'nodejs/bin/node', mode: 0o755 }];

function facts(over: Partial<RewriteFacts> & { rewrite: ImageIndex }): RewriteFacts {
  return {
    user: resolveImageUser(over.rewrite, '65532:65532')!,
    original: indexOf(NODE_ORIGINAL, { packages: true }),
    start: ['/nodejs/bin/node', 'server.js'],
    workdir: '/app',
    rules: ['node/distroless-final-stage', 'common/nonroot-user'],
    minimal: false,
    finalImage: 'gcr.io/distroless/nodejs22-debian13:nonroot',
    finalHasShell: false,
    canInstallPackages: false,
    devDependencies: [],
    ...over,
  };
}

const rows = (c: ReturnType<typeof checkObservation>, verdict: string) =>
  c.rows.filter((r) => r.verdict === verdict).map((r) => `${r.kind} ${r.subject}`);

describe('observe: who did what in node-observe-journal', () => {
  const o = observe(trace('journal', JOURNAL, '/app'), ['/nodejs/bin/node', 'server.js']);

  it("matches the rewrite's start to the node process npm started through sh", () => {
    expect(o.app).toEqual({ argv: ['node', 'server.js'], exe: '/usr/local/bin/node', cwd: '/app' });
    expect(o.processes.map((p) => p.role)).toEqual(['launcher', 'launcher', 'app']);
    expect(o.start.argv).toEqual(['node', '/usr/local/bin/npm', 'start']);
  });

  it("counts npm's and sh's files as the launchers', node's loader and own start as its start", () => {
    const byPhase = (phase: string) =>
      o.needs.filter((n) => n.phase === phase).map((n) => `${n.kind} ${n.subject}`);
    expect(byPhase('launcher')).toContain('read /usr/local/lib/node_modules/npm/package.json');
    expect(byPhase('launcher')).toContain('exec /usr/bin/sh');
    expect(byPhase('start')).toEqual(
      expect.arrayContaining(['exec /usr/local/bin/node', 'read /etc/ld.so.cache']),
    );
    expect(byPhase('early')).toContain('read /etc/ssl/openssl.cnf');
    expect(byPhase('app').sort()).toEqual([
      'bind tcp :3041',
      'mkdir /app/var',
      'mkdir /app/var/visits',
      'read /app/lib/journal/index.js',
      'read /app/lib/journal/package.json',
      'read /app/node_modules/journal/package.json',
      'read /app/package.json',
      'read /app/server.js',
      'read /app/var/visits/entries.log',
      'read /etc/localtime',
      'write /app/var/visits/entries.log',
    ]);
  });

  it('without a process matching the start, every process is the app', () => {
    const all = observe(trace('journal', JOURNAL, '/app'), ['/nodejs/bin/node', 'other.js']);
    expect(all.app).toBeNull();
    expect(all.needs.some((n) => n.phase === 'launcher')).toBe(false);
  });
});

describe('checkObservation: node-observe-journal, a write detection cannot see', () => {
  const o = observe(trace('journal', JOURNAL, '/app'), ['/nodejs/bin/node', 'server.js']);
  const app = (owner: number): TarFile[] => [
    ...NODE_DISTROLESS,
    ...NODE_ORIGINAL.filter((f) => f.name.startsWith('app/')).map((f) => ({ ...f, uid: owner })),
    { name: 'app/', uid: owner, gid: owner },
  ];

  it('--minimal: the app folder is root-owned, so var/ cannot be made: make it, by node/writable-paths', () => {
    const c = checkObservation(
      o,
      facts({
        rewrite: indexOf(app(0), { heads: true }),
        minimal: true,
        rules: ['node/writable-paths', 'node/distroless-final-stage'],
      }),
    );
    expect(rows(c, 'mismatch')).toEqual(['mkdir /app/var', 'write /app/var']);
    expect(c.rows.find((r) => r.kind === 'mkdir')).toMatchObject({
      original: 'made 2 paths, e.g. /app/var/visits',
      rewrite: 'cannot create: /app (0:0 0755) cannot be written or searched',
      rule: 'node/writable-paths',
      fix: 'make /app/var owned by 65532:65532',
    });
    expect(c.byKind).toEqual({ mkdir: 1, write: 1 });
    expect(c.needs).toMatchObject({ makePaths: ['/app/var/'], keepPaths: [], ownPaths: [] });
    expect(c.needs.evidence?.['/app/var/']).toMatch(
      /made 2 paths.*created \/app\/var\/visits\/entries.log/,
    );
    expect(c.unfixable).toEqual([]);
  });

  it('the default owns the app folder: nothing is missing', () => {
    const c = checkObservation(o, facts({ rewrite: indexOf(app(65532), { heads: true }) }));
    expect(c.mismatches).toBe(0);
    expect(rows(c, 'ok')).toEqual(
      expect.arrayContaining(['mkdir /app/var', 'bind tcp :3041', 'read /etc/localtime']),
    );
    expect(rows(c, 'launcher')).toEqual([
      'exec node /usr/local/bin/npm start',
      'exec sh -c node server.js',
    ]);
    expect(rows(c, 'start-up')).toEqual(['exec node server.js']);
  });

  it('/etc/localtime pointing at UTC in the original: an image without one is UTC too', () => {
    const c = checkObservation(o, facts({ rewrite: indexOf(app(65532), { heads: true }) }));
    expect(c.rows.find((r) => r.subject === '/etc/localtime')?.rewrite).toMatch(/means UTC/);
  });
});

describe('checkObservation: node-observe-plugins, a devDependency the prune removed', () => {
  const o = observe(trace('plugins', PLUGINS, '/app'), ['/nodejs/bin/node', 'server.js']);
  const pruned = indexOf([
    ...NODE_DISTROLESS,
    ...NODE_ORIGINAL.filter((f) => f.name.startsWith('app/') && !f.name.includes('/ms/')),
  ]);

  it('names the package and node/prune-dev-dependencies, and keeps the devDependencies', () => {
    const c = checkObservation(
      o,
      facts({
        rewrite: pruned,
        devDependencies: ['ms'],
        rules: ['node/prune-dev-dependencies', 'node/distroless-final-stage'],
      }),
    );
    expect(c.rows.filter((r) => r.verdict === 'mismatch')).toEqual([
      expect.objectContaining({
        kind: 'read',
        subject: '/app/node_modules/ms',
        rule: 'node/prune-dev-dependencies',
        fix: 'keep devDependencies (drop the prune): the app loads ms',
      }),
    ]);
    expect(c.needs.devDependencies).toEqual(['ms']);
  });

  it('a package that is not a devDependency is kept as a folder of the app', () => {
    const c = checkObservation(o, facts({ rewrite: pruned }));
    expect(c.needs.keepPaths).toEqual(['/app/node_modules/ms/']);
  });
});

describe('checkObservation: go-observe-pages, a folder only its settings file names', () => {
  const o = observe(trace('pages', PAGES, '/app'), ['/app/pages']);
  const original = indexOf([
    { name: 'app/pages', mode: 0o755 },
    { name: 'app/site.json' },
    { name: 'app/content/pages/home.md' },
    { name: 'app/content/pages/about.md' },
    { name: 'etc/localtime', type: 'symlink', link: '/usr/share/zoneinfo/Etc/UTC' },
  ]);
  const minimal = indexOf([
    ...DISTROLESS_BASE,
    { name: 'app/pages', mode: 0o755 },
    { name: 'app/site.json' },
  ]);

  it('keeps the topmost missing folder inside the app folder, dropped by go/runtime-files', () => {
    const c = checkObservation(
      o,
      facts({
        rewrite: minimal,
        original,
        start: ['/app/pages'],
        rules: ['go/runtime-files', 'go/distroless-final-stage'],
        minimal: true,
      }),
    );
    expect(c.rows.filter((r) => r.verdict === 'mismatch')).toEqual([
      expect.objectContaining({
        kind: 'read',
        subject: '/app/content',
        original: 'listed, read 2 paths, e.g. /app/content/pages/home.md',
        rule: 'go/runtime-files',
      }),
    ]);
    expect(c.needs.keepPaths).toEqual(['/app/content/']);
    // The same program runs in both: its own start is covered by the rewrite's run.
    expect(c.rows.find((r) => r.verdict === 'start-up')?.rewrite).toMatch(/the same program/);
  });
});

/** An observation written by hand, for the kinds the examples do not show. */
function handObservation(needs: Observation['needs']): Observation {
  return {
    start: { argv: ['/usr/local/bin/app'], cwd: '/srv' },
    user: [],
    app: { argv: ['/usr/local/bin/app'], exe: '/usr/local/bin/app', cwd: '/srv' },
    processes: [
      { argv: ['/usr/local/bin/app'], exe: '/usr/local/bin/app', role: 'app', exit: null },
    ],
    needs,
    unreadable: 0,
  };
}

describe('checkObservation: programs, sockets, ports and user changes', () => {
  const original = indexOf(
    [
      { name: 'usr/bin/git', mode: 0o755 },
      { name: 'usr/local/bin/report', mode: 0o755 },
      { name: 'usr/bin/sh', mode: 0o755 },
      { name: 'usr/lib/libvips.so.42' },
      {
        name: 'var/lib/dpkg/info/git.list',
        content: '/usr\n/usr/bin\n/usr/bin/git\n',
      },
      { name: 'var/lib/dpkg/info/libvips42.list', content: '/usr/lib/libvips.so.42\n' },
    ],
    { packages: true },
  );
  const app = { by: 'app', phase: 'app' as const, count: 1 };
  const o = handObservation([
    { kind: 'exec', subject: '/usr/bin/git', ...app },
    {
      kind: 'exec',
      subject: '/usr/local/bin/report',
      ...app,
      libraries: ['/usr/lib/libvips.so.42'],
    },
    { kind: 'exec', subject: '/usr/bin/sh', ...app },
    { kind: 'unix-connect', subject: '/var/run/docker.sock', ...app },
    { kind: 'bind', subject: 'tcp :80', port: 80, address: '0.0.0.0', ...app },
    { kind: 'bind', subject: 'tcp :8080', port: 8080, ...app },
    { kind: 'setid', subject: 'setuid(33)', ...app },
  ]);
  const rewrite = indexOf([...DISTROLESS_BASE, { name: 'usr/local/bin/report', mode: 0o755 }]);

  it('on distroless: OS packages and a shell cannot be added, a copied program lacks its library', () => {
    const c = checkObservation(
      o,
      facts({ rewrite, original, start: ['/usr/local/bin/app'], workdir: '/srv' }),
    );
    expect(rows(c, 'mismatch')).toEqual([
      'exec /usr/bin/git',
      'exec /usr/bin/sh',
      'read /usr/lib/libvips.so.42',
      'setid setuid(33)',
    ]);
    expect(c.unfixable).toEqual([
      expect.stringMatching(
        /^exec \/usr\/bin\/git: it comes from the OS package git, which .* cannot install/,
      ),
      expect.stringMatching(/^exec \/usr\/bin\/sh: the app runs a shell/),
      expect.stringMatching(
        /^read \/usr\/lib\/libvips.so.42: it comes from the OS package libvips42/,
      ),
      expect.stringMatching(/^setid setuid\(33\): the original switches its user itself/),
    ]);
    expect(rows(c, 'warning')).toEqual(['bind tcp :80', 'unix-connect /var/run/docker.sock']);
    expect(rows(c, 'ok')).toContain('bind tcp :8080');
  });

  it('on slim: the OS packages are installed', () => {
    const slim = indexOf([
      { name: 'usr/bin/sh', mode: 0o755 },
      { name: 'usr/local/bin/report', mode: 0o755 },
      { name: 'etc/passwd', content: 'node:x:1000:1000::/home/node:/bin/sh\n' },
    ]);
    const c = checkObservation(
      o,
      facts({
        rewrite: slim,
        user: resolveImageUser(slim, '1000:1000')!,
        original,
        start: ['/usr/local/bin/app'],
        workdir: '/srv',
        finalHasShell: true,
        canInstallPackages: true,
      }),
    );
    expect(c.needs.osPackages).toEqual(['git', 'libvips42']);
    expect(c.unfixable).toEqual([expect.stringMatching(/^setid setuid\(33\)/)]);
  });

  it('a unix socket in the image is checked for the final user; one made at run time is named', () => {
    const sockets = handObservation([
      { kind: 'unix-connect', subject: '/run/app/open.sock', ...app },
      { kind: 'unix-connect', subject: '/run/app/closed.sock', ...app },
      { kind: 'unix-connect', subject: '/var/run/docker.sock', ...app },
    ]);
    const c = checkObservation(
      sockets,
      facts({
        rewrite: indexOf([
          ...DISTROLESS_BASE,
          { name: 'run/app/open.sock', mode: 0o666 },
          { name: 'run/app/closed.sock', mode: 0o660 },
        ]),
        original,
        start: ['/usr/local/bin/app'],
      }),
    );
    expect(c.rows.map((r) => [r.subject, r.verdict, r.rewrite.slice(0, 30)])).toEqual([
      ['/run/app/closed.sock', 'warning', '65532 cannot open it: /run/app'],
      ['/var/run/docker.sock', 'warning', 'not in the image (made or moun'],
      ['/run/app/open.sock', 'ok', 'in the image, writable by 6553'],
    ]);
    expect(c.mismatches).toBe(0);
  });

  it('a program the builder made and no package owns is kept', () => {
    const c = checkObservation(
      handObservation([{ kind: 'exec', subject: '/usr/local/bin/report', ...app }]),
      facts({ rewrite: indexOf(DISTROLESS_BASE), original, start: ['/usr/local/bin/app'] }),
    );
    expect(c.needs.programs).toEqual(['/usr/local/bin/report']);
  });
});

describe('tidyNeeds', () => {
  it('drops what a kept or owned folder already brings, sorted and once', () => {
    expect(
      tidyNeeds({
        keepPaths: ['/app/content/pages/', '/app/content/', '/app/a.json', '/app/data/x'],
        ownPaths: ['/app/data/', '/app/data/y'],
        makePaths: ['/app/data/cache/', '/app/var/', '/app/var/'],
        osPackages: ['git', 'git'],
        programs: ['/app/content/bin/tool'],
        devDependencies: [],
        evidence: { '/app/var/': 'made /app/var', '/app/data/x': 'read /app/data/x' },
      }),
    ).toEqual({
      keepPaths: ['/app/a.json', '/app/content/'],
      ownPaths: ['/app/data/'],
      makePaths: ['/app/var/'],
      osPackages: ['git'],
      programs: [],
      devDependencies: [],
      evidence: { '/app/var/': 'made /app/var' },
    });
  });
});
