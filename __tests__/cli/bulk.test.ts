import Ajv2020 from 'ajv/dist/2020';
import fs from 'fs';
import path from 'path';
import schema from '../../schema/result.schema.json';
import { makeTree, NODE_APP, runCli } from '../helpers/cli';

const DF = NODE_APP.Dockerfile;
// Rewritable without a build context: node runs inline code, so no file of the context is needed.
const PLAIN =
  'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["node", "-e", "require(\'http\').createServer().listen(3000)"]\n';
const PKG = NODE_APP['package.json'];
const MULTI =
  'FROM node:22 AS b\nRUN true\nFROM node:22-slim\nCOPY --from=b /a /a\nCMD ["node","/a/x.js"]\n';
const GO =
  'FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app ./cmd/app\nCMD ["/bin/app"]\n';

describe('discovery', () => {
  it('honours nested .gitignore files, .dockerize-slimignore and --exclude', async () => {
    const root = makeTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'build/\n',
      'a/Dockerfile': PLAIN,
      'build/Dockerfile': PLAIN,
      'b/.gitignore': 'tmp*\n!keep.Dockerfile\n',
      'b/tmp/Dockerfile': PLAIN,
      'b/keep.Dockerfile': PLAIN,
      'c/.dockerize-slimignore': 'legacy\n',
      'c/legacy/Dockerfile': PLAIN,
      'c/new/Dockerfile': PLAIN,
      'd/Dockerfile': PLAIN,
    });
    const r = await runCli(['-l', '--exclude', 'd/**', '.'], root);
    expect(r.stdout).toBe('a/Dockerfile\nb/keep.Dockerfile\nc/new/Dockerfile\n');
  });

  it('applies the .gitignore of parent folders up to the git root', async () => {
    const root = makeTree({
      '.git/HEAD': 'x',
      '.gitignore': 'generated/\n',
      'svc/generated/Dockerfile': PLAIN,
      'svc/api/Dockerfile': PLAIN,
    });
    const r = await runCli(['-l', 'svc'], root);
    expect(r.stdout).toBe('svc/api/Dockerfile\n');
  });

  it('expands globs, several paths at once, with a stable sorted order', async () => {
    const root = makeTree({
      'repo2/svc/Dockerfile': PLAIN,
      'repo1/z/Dockerfile': PLAIN,
      'repo1/a/Dockerfile.prod': PLAIN,
      'repo1/a/notes.md': 'x',
    });
    const r = await runCli(['-l', 'repo2', 'repo1/*/Dockerfile*'], root);
    expect(r.stdout).toBe('repo1/a/Dockerfile.prod\nrepo1/z/Dockerfile\nrepo2/svc/Dockerfile\n');
  });

  it('reports a glob that matches nothing as an error', async () => {
    const r = await runCli(['nothing/**/Dockerfile'], makeTree({ 'x/Dockerfile': PLAIN }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing/**/Dockerfile: error the pattern matches no Dockerfile');
  });
});

describe('build context', () => {
  it('uses the build.context a compose file names for a Dockerfile', async () => {
    const root = makeTree({
      'compose.yaml':
        'services:\n  api:\n    build:\n      context: ./services/api\n      dockerfile: ../../docker/api.Dockerfile\n  web: {image: nginx}\n',
      'docker/api.Dockerfile': DF,
      'services/api/package.json': PKG,
      'services/api/server.js': NODE_APP['server.js'],
      'services/api/package-lock.json': '{}',
    });
    const r = await runCli(['--format', 'json', 'docker/api.Dockerfile'], root);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].status).toBe('changed');
    expect(doc.files[0].edits.map((e: { rule: string }) => e.rule)).toContain(
      'node/lockfile-install',
    );
  });

  it('refuses an image a compose service runs another program in, its override files included', async () => {
    const goRepo = {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'svc/go.mod': 'module example.com/app\n\ngo 1.27\n',
      'svc/cmd/app/main.go': 'package main\n\nfunc main() {}\n',
      'svc/Dockerfile': GO,
    };
    const json = async (files: Record<string, string>) =>
      JSON.parse((await runCli(['--format', 'json', 'svc/Dockerfile'], makeTree(files))).stdout)
        .files[0];
    const plain = await json({
      ...goRepo,
      'docker-compose.yml':
        'services:\n  api:\n    build: ./svc\n    command: /bin/app -v\n    volumes: ["./data:/data", "db:/db"]\n',
    });
    expect(plain.status).toBe('changed');
    expect(
      plain.warnings
        .filter((w: { rule: string }) => w.rule === 'common/bind-mount-owner')
        .map((w: { reason: string }) => w.reason.split(',')[0] + w.reason.split(',')[1]),
    ).toEqual(['docker-compose.yml service api mounts ./data at /data']);
    const override = await json({
      ...goRepo,
      'docker-compose.yml': 'services:\n  api:\n    build: ./svc\n',
      'docker-compose.override.yml': 'services:\n  api:\n    command: go run ./cmd/app\n',
    });
    expect(override.status).toBe('skipped');
    expect(override.skipped.rule).toBe('common/compose-run');
    expect(override.skipped.reason).toContain(
      'docker-compose.override.yml, service api runs go in the image',
    );
    const perEnvironment = await json({
      ...goRepo,
      'docker-compose.prod.yml':
        'services:\n  api:\n    build:\n      context: svc\n    healthcheck:\n      test: ["CMD", "wget", "-qO-", "localhost"]\n',
    });
    expect(perEnvironment.skipped.reason).toContain(
      'docker-compose.prod.yml, service api runs wget in the image',
    );
  });

  it('--context wins over the Dockerfile folder', async () => {
    const root = makeTree({
      'ctx/package.json': PKG,
      'ctx/server.js': NODE_APP['server.js'],
      'ctx/package-lock.json': '{}',
      'df/Dockerfile': DF,
    });
    const without = JSON.parse((await runCli(['--format', 'json', 'df/Dockerfile'], root)).stdout);
    expect(without.files[0].status).toBe('skipped');
    const withCtx = JSON.parse(
      (await runCli(['--format', 'json', '--context', 'ctx', 'df/Dockerfile'], root)).stdout,
    );
    expect(withCtx.files[0].status).toBe('changed');
  });
});

describe('configuration', () => {
  const goRepo = {
    'go.mod': 'module example.com/app\n\ngo 1.26\n',
    'cmd/app/main.go': 'package main\n\nfunc main() {}\n',
    Dockerfile: GO,
  };

  it('takes defaults from the nearest .dockerize-slim.json, and flags win', async () => {
    const root = makeTree({
      ...Object.fromEntries(Object.entries(goRepo).map(([k, v]) => [`svc/${k}`, v])),
      '.dockerize-slim.json': '{"target": "scratch", "exclude": ["old"]}',
      'old/Dockerfile': DF,
    });
    const fromConfig = JSON.parse((await runCli(['--format', 'json', '.'], root)).stdout);
    expect(
      fromConfig.files.map((f: { path: string; target: string }) => [f.path, f.target]),
    ).toEqual([['svc/Dockerfile', 'scratch']]);
    const fromFlag = JSON.parse(
      (await runCli(['--format', 'json', '--target', 'distroless', '.'], root)).stdout,
    );
    expect(fromFlag.files[0].target).toBe('distroless');
  });

  it('reads a dockerize-slim key in package.json', async () => {
    const root = makeTree({
      'package.json': JSON.stringify({ name: 'mono', 'dockerize-slim': { target: 'cgr' } }),
      ...Object.fromEntries(Object.entries(goRepo).map(([k, v]) => [`svc/${k}`, v])),
    });
    expect(
      JSON.parse((await runCli(['--format', 'json', '.'], root)).stdout).files[0].finalImage,
    ).toBe('cgr.dev/chainguard/static:latest');
  });

  it('reports an invalid config file as an error for the files under it', async () => {
    const root = makeTree({ '.dockerize-slim.json': '{"target": "tiny"}', ...goRepo });
    const r = await runCli(['.'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.dockerize-slim\.json: target must be one of/);
  });
});

describe('--format json schema', () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  it('validates real output of every status', async () => {
    const root = makeTree({
      ...NODE_APP,
      'multi/Dockerfile': MULTI,
      'bad/Dockerfile': 'RUN x\n',
      'broken/Dockerfile': 'FROM node:22\nCOPY nothing.txt /app/\nCMD ["node", "/app/x.js"]\n',
      'same/Dockerfile':
        'FROM node:22 AS a\nRUN x\nFROM gcr.io/distroless/nodejs22-debian13\nUSER 65532\nCMD ["a.js"]\n',
    });
    const r = await runCli(['--format', 'json', '--harden', '.', 'missing'], root);
    const doc = JSON.parse(r.stdout);
    expect(new Set(doc.files.map((f: { status: string }) => f.status))).toEqual(
      new Set(['changed', 'skipped', 'error']),
    );
    const ok = validate(doc);
    if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2));
  });

  it('validates output with new files (static sites)', async () => {
    const vite = { name: 'site', scripts: { build: 'vite build' }, devDependencies: { vite: '7' } };
    const root = makeTree({
      'package.json': JSON.stringify(vite),
      Dockerfile:
        'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\nCMD ["npx", "serve", "-s", "dist"]\n',
    });
    const doc = JSON.parse((await runCli(['--format', 'json', '.'], root)).stdout);
    expect(doc.files[0].newFiles[0].path).toBe('nginx.conf');
    expect(validate(doc)).toBe(true);
  });
});

describe('--report', () => {
  it('writes a markdown pull-request summary with reasons, warnings to review and estimates', async () => {
    const root = makeTree({
      ...NODE_APP,
      'multi/Dockerfile': MULTI,
      'broken/Dockerfile': 'FROM node:22-alpine\nRUN apt-get update\nCMD ["node", "x.js"]\n',
    });
    const r = await runCli(['--report', 'PR.md', '.'], root);
    expect(r.code).toBe(0);
    const md = fs.readFileSync(path.join(root, 'PR.md'), 'utf8');
    expect(md).toContain('## dockerize-slim');
    expect(md).toContain('`node/resolve-start-command`');
    expect(md).toMatch(
      /`node:22` ~1120 MB \| `gcr\.io\/distroless\/nodejs22-debian13:nonroot` ~141 MB/,
    );
    expect(md).toContain('estimates');
    expect(md).toContain('#### 1 cannot build or start as they are');
    expect(md).toContain(
      '| `broken/Dockerfile:2` | `common/package-manager-distro` | apt-get runs on node:22-alpine',
    );
    expect(md.indexOf('#### 1 cannot build')).toBeLessThan(md.indexOf('#### 1 not supported'));
    expect(md).toContain('| `multi/Dockerfile` | `common/already-multi-stage` |');
  });
});

describe('exit codes and re-runs', () => {
  it('one bad file does not stop the rest; a second --write run changes nothing', async () => {
    const root = makeTree({
      ...NODE_APP,
      'bad/Dockerfile': 'NOT A DOCKERFILE\n',
      'svc/Dockerfile': DF,
      'svc/package.json': PKG,
      'svc/server.js': NODE_APP['server.js'],
    });
    const first = await runCli(['--write', '.'], root);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('svc/Dockerfile: rewritten');
    const again = await runCli(['--check', '.', '--exclude', 'bad'], root);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/2 files: 0 would change, 0 unchanged, 2 skipped/);
  });

  it('--interactive refuses without a terminal', async () => {
    const r = await runCli(['-i', '.'], makeTree(NODE_APP));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interactive needs a terminal');
  });
});
