import fs from 'fs';
import path from 'path';
import { makeTree, NODE_APP, runCli } from '../helpers/cli';

const MULTI =
  'FROM node:22 AS b\nRUN true\nFROM node:22-slim\nCOPY --from=b /a /a\nCMD ["node","/a/x.js"]\n';

describe('dockerize-slim (dry run)', () => {
  it('prints a git-style diff and the rule list, writes nothing, exits 0', async () => {
    const root = makeTree(NODE_APP);
    const r = await runCli(['.'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff --git a/Dockerfile b/Dockerfile');
    expect(r.stdout).toContain('+FROM gcr.io/distroless/nodejs22-debian13:nonroot');
    expect(r.stdout).toContain('-RUN npm install');
    expect(r.stdout).toMatch(
      /node\/resolve-start-command: npm start -> scripts\.start -> node server\.js/,
    );
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stderr).toMatch(/1 file: 1 would change, 0 unchanged, 0 skipped, 0 errors/);
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
  });

  it('colors when asked', async () => {
    const r = await runCli(['--color', '.'], makeTree(NODE_APP));
    expect(r.stdout).toContain('\u001b[32m+FROM');
  });

  it('honours FORCE_COLOR and NO_COLOR', async () => {
    expect((await runCli(['.'], makeTree(NODE_APP), { FORCE_COLOR: '1' })).stdout).toContain(
      '\u001b[',
    );
    expect((await runCli(['.'], makeTree(NODE_APP), { NO_COLOR: '1' })).stdout).not.toContain(
      '\u001b[',
    );
  });

  it('--format diff prints only the patch', async () => {
    const r = await runCli(['--format', 'diff', '.'], makeTree(NODE_APP));
    expect(r.stdout.startsWith('diff --git')).toBe(true);
    expect(r.stdout).not.toContain('node/resolve-start-command');
  });

  it('--format diff and --check put the warnings on stderr, the text format under the diff', async () => {
    // No lockfile (a warning) and a port below 1024 (another one).
    const { 'package-lock.json': _lock, ...noLock } = NODE_APP;
    const tree = { ...noLock, Dockerfile: NODE_APP.Dockerfile.replace('CMD', 'EXPOSE 80\nCMD') };
    const diff = await runCli(['--format', 'diff', '.'], makeTree(tree));
    expect(diff.stdout).not.toMatch(/common\/low-port|node\/lockfile-install/);
    expect(diff.stderr).toMatch(/^Dockerfile: ! common\/low-port: /m);
    expect(diff.stderr).toMatch(/^Dockerfile: ! node\/lockfile-install: /m);
    const check = await runCli(['--check', '.'], makeTree(tree));
    expect(check.stderr).toMatch(/^Dockerfile: ! common\/low-port: /m);
    const text = await runCli(['.'], makeTree(tree));
    expect(text.stdout).toMatch(/! common\/low-port: /);
    expect(text.stderr).not.toMatch(/low-port/);
    const json = JSON.parse((await runCli(['--format', 'json', '.'], makeTree(tree))).stdout);
    expect(json.files[0].warnings.map((w: { rule: string }) => w.rule)).toContain(
      'common/low-port',
    );
  });

  it('--check exits 1 when a file would change and 0 when none would', async () => {
    const root = makeTree({ ...NODE_APP, 'other/Dockerfile': MULTI });
    const r = await runCli(['--check', '.'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Dockerfile: would change');
    const clean = await runCli(['--check', 'other'], root);
    expect(clean.code).toBe(0);
  });

  it('-l lists the paths that would change', async () => {
    const root = makeTree({
      ...NODE_APP,
      'svc/Dockerfile': NODE_APP.Dockerfile,
      'svc/package.json': NODE_APP['package.json'],
      'svc/server.js': NODE_APP['server.js'],
      'old/Dockerfile': MULTI,
    });
    const r = await runCli(['-l', '.'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Dockerfile\nsvc/Dockerfile\n');
  });

  it('reports skips with their rule on stderr', async () => {
    const r = await runCli(['.'], makeTree({ Dockerfile: MULTI }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Dockerfile: skipped (unsupported) [common/already-multi-stage]');
    expect(r.stderr).toContain('1 skipped (1 not supported [common/already-multi-stage: 1])');
  });

  it('groups skips by class in the summary, with the line at fault', async () => {
    const root = makeTree({
      ...NODE_APP,
      'broken/Dockerfile': 'FROM node:22\nWORKDIR /app\nCOPY yarn.lock ./\nCMD ["node", "x.js"]\n',
      'dev/package.json': JSON.stringify({ scripts: { dev: 'nodemon server.js' } }),
      'dev/Dockerfile': 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["npm", "run", "dev"]\n',
      'multi/Dockerfile': MULTI,
    });
    const r = await runCli(['.'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'broken/Dockerfile:3: skipped (cannot-build) [common/copy-source-missing] COPY yarn.lock',
    );
    expect(r.stderr).toContain('dev/Dockerfile:4: skipped (development) [node/dev-server-start]');
    expect(r.stderr).toContain(
      '3 skipped (1 cannot build or start as they are [common/copy-source-missing: 1]; 1 development containers [node/dev-server-start: 1]; 1 not supported [common/already-multi-stage: 1])',
    );
  });

  it('reports a missing path, keeps going, and exits 2', async () => {
    const root = makeTree(NODE_APP);
    const r = await runCli(['nope', 'Dockerfile'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope: error no such file or directory');
    expect(r.stdout).toContain('diff --git a/Dockerfile');
  });

  it('reports a Dockerfile without FROM as an error', async () => {
    const r = await runCli(['Dockerfile'], makeTree({ Dockerfile: 'RUN echo hi\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Dockerfile: error no FROM instruction');
  });

  it('reports an invalid package.json naming the file', async () => {
    const r = await runCli(['.'], makeTree({ ...NODE_APP, 'package.json': '{ nope' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Dockerfile: error package\.json is not valid JSON/);
  });

  it('rejects a binary or non-UTF-8 file and a directory named Dockerfile', async () => {
    const root = makeTree({ 'a/Dockerfile': 'FROM node\u0000\n', 'b/Dockerfile': '' });
    fs.writeFileSync(
      path.join(root, 'b/Dockerfile'),
      Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0x0a]),
    );
    fs.mkdirSync(path.join(root, 'c/Dockerfile'), { recursive: true });
    const r = await runCli(['a/Dockerfile', 'b/Dockerfile', 'c/Dockerfile'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a/Dockerfile: error is a binary file');
    expect(r.stderr).toContain('b/Dockerfile: error is not valid UTF-8 text');
    expect(r.stderr).toContain('c/Dockerfile: error is a directory');
  });

  it('rejects unknown flags and conflicting modes with a usage error', async () => {
    expect((await runCli(['--nope'], makeTree({}))).code).toBe(2);
    const r = await runCli(['--write', '--check'], makeTree({}));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mutually exclusive');
  });

  it('--help explains the options and exit codes', async () => {
    const r = await runCli(['--help'], makeTree({}));
    expect(r.code).toBe(0);
    for (const word of [
      '--write',
      '--check',
      '--list-different',
      '--target',
      '--user',
      '--format',
      'Exit codes',
    ])
      expect(r.stdout).toContain(word);
  });

  it('finds Dockerfile names recursively, skipping node_modules, .git and vendor', async () => {
    const df = NODE_APP.Dockerfile;
    const root = makeTree({
      'a/Dockerfile.prod': df,
      'b/api.Dockerfile': df,
      'c/Containerfile': df,
      'd/web.dockerfile': df,
      'node_modules/x/Dockerfile': df,
      '.git/Dockerfile': df,
      'vendor/Dockerfile': df,
      'e/Dockerfile.dockerignore': 'x',
      'e/notes.txt': df,
    });
    const r = await runCli(['-l', '.'], root);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/4 files: 0 would change, 0 unchanged, 4 skipped/);
  });

  it('--format json is one document with a versioned schema', async () => {
    const root = makeTree({ ...NODE_APP, 'old/Dockerfile': MULTI });
    const r = await runCli(['--format', 'json', '.'], root);
    const doc = JSON.parse(r.stdout);
    expect(doc.schemaVersion).toBe(2);
    expect(doc.files.map((f: { path: string; status: string }) => [f.path, f.status])).toEqual([
      ['Dockerfile', 'changed'],
      ['old/Dockerfile', 'skipped'],
    ]);
    expect(doc.files[0].edits.map((e: { rule: string }) => e.rule)).toContain(
      'node/resolve-start-command',
    );
    expect(doc.files[0].diff).toContain('+++ b/Dockerfile');
    expect(doc.files[0].contract.before).toMatchObject({
      argv: ['docker-entrypoint.sh', 'npm', 'start'],
      workdir: '/app',
      user: '',
    });
    expect(doc.files[0].contract.after).toMatchObject({
      argv: ['/nodejs/bin/node', 'server.js'],
      workdir: '/app',
      user: '65532:65532',
    });
    expect(doc.files[1].contract).toBeNull();
    expect(doc.summary).toMatchObject({ files: 2, changed: 1, skipped: 1, errors: 0 });
    expect(doc.files[1].skipped).toMatchObject({
      rule: 'common/already-multi-stage',
      class: 'unsupported',
      line: null,
    });
    expect(doc.summary.skippedByClass).toEqual({
      'cannot-build': 0,
      development: 0,
      unsafe: 0,
      unsupported: 1,
    });
  });
});

describe('dockerize-slim --write', () => {
  it('writes the rewrite, keeps the mode, and a second run changes nothing', async () => {
    const root = makeTree(NODE_APP);
    const file = path.join(root, 'Dockerfile');
    fs.chmodSync(file, 0o640);
    const r = await runCli(['--write', '.'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Dockerfile: rewritten (distroless -> gcr.io/distroless/nodejs22-debian13:nonroot)',
    );
    const written = fs.readFileSync(file, 'utf8');
    expect(written).toContain('FROM node:22 AS builder');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await runCli(['--check', '.'], root);
    expect(again.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
  });

  it('writes through a symlink to its target and keeps the link', async () => {
    const root = makeTree({ ...NODE_APP, 'real/Dockerfile.base': NODE_APP.Dockerfile });
    fs.unlinkSync(path.join(root, 'Dockerfile'));
    fs.symlinkSync('real/Dockerfile.base', path.join(root, 'Dockerfile'));
    const r = await runCli(['--write', 'Dockerfile', '--context', '.'], root);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(path.join(root, 'Dockerfile')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'real/Dockerfile.base'), 'utf8')).toContain(
      'AS builder',
    );
  });

  if (process.getuid?.() !== 0) {
    it('reports a read-only folder as an error and leaves the file as it was', async () => {
      const root = makeTree(NODE_APP);
      fs.chmodSync(root, 0o555);
      const r = await runCli(['--write', '.'], root);
      fs.chmodSync(root, 0o755);
      expect(r.code).toBe(2);
      expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
    });
  }
});

describe('--minimal and the Go runtime folder', () => {
  const GO_APP = {
    Dockerfile: 'FROM golang:1.26\nWORKDIR /app\nCOPY . .\nRUN go build -o srv .\nCMD ["./srv"]\n',
    'go.mod': 'module srv\n\ngo 1.22\n',
    'main.go': 'package main\n\nimport "os"\n\nfunc main() { os.ReadFile(os.Getenv("X")) }\n',
    'assets/logo.txt': 'logo\n',
  };

  it('keeps the app folder, owned by the final user, by default; only what detection proves with --minimal', async () => {
    const byDefault = await runCli(['--format', 'json', '.'], makeTree(GO_APP));
    const file = JSON.parse(byDefault.stdout).files[0];
    expect(file.runtimeFolders).toEqual([
      expect.objectContaining({ path: '/app', kept: [{ name: 'assets/', bytes: 5 }] }),
    ]);
    expect(file.diff).toContain(
      '+COPY --from=builder --chown=65532:65532 /dockerize-slim/app /app',
    );
    const minimal = await runCli(['--format', 'json', '--minimal', '.'], makeTree(GO_APP));
    const m = JSON.parse(minimal.stdout).files[0];
    expect(m.runtimeFolders).toEqual([]);
    expect(m.diff).not.toContain('dockerize-slim/app');
  });

  it('takes minimal from the repository config, and rejects a value that is not a boolean', async () => {
    const fromConfig = await runCli(
      ['--format', 'json', '.'],
      makeTree({ ...GO_APP, '.dockerize-slim.json': '{ "minimal": true }' }),
    );
    expect(JSON.parse(fromConfig.stdout).files[0].runtimeFolders).toEqual([]);
    const bad = await runCli(
      ['.'],
      makeTree({ ...GO_APP, '.dockerize-slim.json': '{ "minimal": 1 }' }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/minimal must be true or false/);
  });
});

describe('a .dockerignore that is a link into the context', () => {
  it('is read through the link, so no .dockerignore is proposed over it', async () => {
    const root = makeTree({ ...NODE_APP, '.gitignore': 'node_modules/\n' });
    fs.symlinkSync('.gitignore', path.join(root, '.dockerignore'));
    const r = await runCli(['--write', '--format', 'json', '.'], root);
    expect(r.code).toBe(0);
    const file = JSON.parse(r.stdout).files[0];
    expect(file.status).toBe('changed');
    expect(file.newFiles).toEqual([]);
    expect(fs.readlinkSync(path.join(root, '.dockerignore'))).toBe('.gitignore');
  });
});
