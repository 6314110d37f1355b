// The published package on its own: packs it, installs the tarball with no dev dependencies into
// an empty folder, and checks that it brings no other package, that the CLI rewrites an example,
// and that a TypeScript consumer compiles against its declarations. Prints what it measured.
import { execFileSync, spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export function packAndInstall() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-pack-'));
  const tarball = path.join(
    dir,
    npm(['pack', '--silent', '--pack-destination', dir], ROOT).trim().split('\n').pop(),
  );
  const app = path.join(dir, 'consumer');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "consumer", "private": true }\n');
  const t0 = process.hrtime.bigint();
  npm(['install', tarball, '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  const installMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const size = (p) =>
    fs.statSync(p).isDirectory()
      ? fs.readdirSync(p).reduce((n, e) => n + size(path.join(p, e)), 0)
      : fs.statSync(p).size;
  return {
    dir,
    app,
    tarballBytes: fs.statSync(tarball).size,
    installMs,
    installedBytes: size(path.join(app, 'node_modules')),
    packages: fs.readdirSync(path.join(app, 'node_modules')).filter((n) => !n.startsWith('.')),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = packAndInstall();
  const fail = (msg) => {
    console.error(`pack-check: ${msg}`);
    process.exit(1);
  };
  if (r.packages.join(',') !== 'dockerize-slim')
    fail(`the install brought other packages: ${r.packages.join(', ')}`);
  fs.cpSync(path.join(ROOT, 'examples', 'node-express'), path.join(r.app, 'example'), {
    recursive: true,
  });
  const out = execFileSync(
    path.join(r.app, 'node_modules', '.bin', 'dockerize-slim'),
    ['example'],
    {
      cwd: r.app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (!out.includes('+FROM gcr.io/distroless/nodejs22-debian13:nonroot'))
    fail('the installed CLI did not rewrite the example');
  // What a dry run does not load is a bundle of its own (scripts/build.mjs): each is shipped.
  const cli = (args) =>
    execFileSync(path.join(r.app, 'node_modules', '.bin', 'dockerize-slim'), args, {
      cwd: r.app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  if (!cli(['--help']).includes('Exit codes:')) fail('--help (dist/yargs.js) failed');
  if (!cli(['verify', '--help']).includes('--probe')) fail('verify --help failed');
  if (!cli(['--format', 'sarif', 'example']).includes('"version": "2.1.0"'))
    fail('--format sarif (dist/sarif-report.js) failed');
  if (!cli(['--format', 'json', 'example']).includes('"schemaVersion"'))
    fail('--format json (dist/json-report.js) failed');
  cli(['--report', 'report.md', 'example']);
  if (!fs.readFileSync(path.join(r.app, 'report.md'), 'utf8').startsWith('## dockerize-slim'))
    fail('--report (dist/report.js) failed');
  fs.writeFileSync(
    path.join(r.app, 'compose.yaml'),
    'services:\n  web:\n    build: ./example\n    command: ["node", "server.js"]\n',
  );
  // The service runs node under the image's ENTRYPOINT, which the rewrite changes: a refusal
  // that only a parsed compose file gives.
  const composed = spawnSync(path.join(r.app, 'node_modules', '.bin', 'dockerize-slim'), ['.'], {
    cwd: r.app,
    encoding: 'utf8',
  });
  if (!composed.stderr.includes('common/compose-run'))
    fail('a compose file (dist/yaml.js) was not read');
  fs.writeFileSync(
    path.join(r.app, 'consumer.ts'),
    "import { transform, TransformResult } from 'dockerize-slim';\nconst r: TransformResult = transform('FROM node:22\\n');\nexport const skipped: string | undefined = r.skipped?.class;\n",
  );
  fs.writeFileSync(
    path.join(r.app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'commonjs',
        moduleResolution: 'node',
        target: 'es2022',
        types: [],
        noEmit: true,
      },
      files: ['consumer.ts'],
    }),
  );
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', r.app],
    { stdio: 'inherit' },
  );
  console.log(
    `pack-check: ok: tarball ${(r.tarballBytes / 1024).toFixed(0)} KiB, installed ${(r.installedBytes / 1048576).toFixed(1)} MiB in ${r.installMs.toFixed(0)} ms, packages: ${r.packages.join(', ')}; the CLI rewrote an example, and its lazily loaded parts ran; a TypeScript consumer compiles`,
  );
  fs.rmSync(r.dir, { recursive: true, force: true });
}
