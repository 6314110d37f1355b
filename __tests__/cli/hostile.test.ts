import { execFileSync } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { makeTree, NODE_APP, runCli } from '../helpers/cli';

// A repository nobody here trusts, next to files that must not change whatever it contains.
const VITE = {
  'package.json': JSON.stringify({
    name: 'site',
    scripts: { build: 'vite build' },
    devDependencies: { vite: '7.0.0' },
  }),
  Dockerfile:
    'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\nCMD ["npx", "serve", "-s", "dist"]\n',
};

/** Every file under `dir` with a hash of its content (links as links), to prove nothing moved. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out[p] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isFile())
        out[p] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      else out[p] = 'special';
    }
  };
  walk(dir);
  return out;
}

function hostileTree(): { root: string; repo: string; outside: string } {
  const root = makeTree({
    ...Object.fromEntries(Object.entries(NODE_APP).map(([k, v]) => [`outside/app/${k}`, v])),
    ...Object.fromEntries(Object.entries(VITE).map(([k, v]) => [`outside/site/${k}`, v])),
    'repo/.git/HEAD': 'ref: refs/heads/main\n',
    // A compose file that points a build context out of the repository, and one that is absolute.
    'repo/compose.yaml':
      'services:\n  web:\n    build:\n      context: ../outside/site\n      dockerfile: ../../repo/web/Dockerfile\n  abs:\n    build:\n      context: /etc\n      dockerfile: /repo-abs/Dockerfile\n',
    'repo/web/Dockerfile': VITE.Dockerfile,
    'repo/api/Dockerfile': NODE_APP.Dockerfile,
    'repo/api/package.json': NODE_APP['package.json'],
    'repo/api/server.js': NODE_APP['server.js'],
    // A config whose evaluation would leave a mark: it must be read as text, never run.
    'repo/next/next.config.js': `require('fs').writeFileSync(${JSON.stringify(path.join(os.tmpdir(), 'dockerize-slim-evaluated'))}, 'ran');\nmodule.exports = { output: 'export' };\n`,
    'repo/next/package.json': JSON.stringify({
      name: 'n',
      scripts: { build: 'next build' },
      dependencies: { next: '15.5.4' },
    }),
    'repo/next/Dockerfile':
      'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\nCMD ["npx", "serve", "out"]\n',
    'repo/huge/Dockerfile': 'FROM node:22\n' + '# padding\n'.repeat(600_000),
  });
  const repo = path.join(root, 'repo');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(repo, 'link'));
  fs.symlinkSync(path.join(outside, 'app', 'Dockerfile'), path.join(repo, 'link', 'Dockerfile'));
  // A package.json that is a link to a file outside, and a FIFO where a manifest is expected.
  fs.symlinkSync('/etc/hostname', path.join(repo, 'api', 'tsconfig.json'));
  execFileSync('mkfifo', [path.join(repo, 'api', 'nest-cli.json')]);
  fs.mkdirSync(path.join(repo, 'fifo'));
  execFileSync('mkfifo', [path.join(repo, 'fifo', 'Dockerfile')]);
  let deep = path.join(repo, 'deep');
  for (let i = 0; i < 150; i++) deep = path.join(deep, `d${i}`);
  fs.mkdirSync(deep, { recursive: true });
  fs.writeFileSync(
    path.join(deep, 'Dockerfile'),
    'FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN go build -o /bin/app .\nCMD ["/bin/app"]\n',
  );
  fs.writeFileSync(path.join(deep, 'go.mod'), 'module example.com/deep\n\ngo 1.27\n');
  fs.writeFileSync(path.join(deep, 'main.go'), 'package main\n\nfunc main() {}\n');
  return { root, repo, outside };
}

describe('a repository the tool does not trust', () => {
  it('--write on a folder changes nothing outside it, and says why for each refusal', async () => {
    const { root, outside } = hostileTree();
    const marker = path.join(os.tmpdir(), 'dockerize-slim-evaluated');
    fs.rmSync(marker, { force: true });
    const before = snapshot(outside);
    const r = await runCli(['--write', '--format', 'json', 'repo'], root);
    const doc = JSON.parse(r.stdout) as {
      files: Array<{
        path: string;
        status: string;
        skipped: { rule: string } | null;
        error: { message: string } | null;
      }>;
    };
    const byPath = Object.fromEntries(doc.files.map((f) => [f.path, f]));
    expect(snapshot(outside)).toEqual(before);
    expect(byPath['repo/link/Dockerfile'].skipped?.rule).toBe('common/symlink-outside');
    expect(byPath['repo/web/Dockerfile'].skipped?.rule).toBe('common/context-outside');
    expect(fs.existsSync(path.join(outside, 'site', 'nginx.conf'))).toBe(false);
    expect(byPath['repo/huge/Dockerfile'].error?.message).toMatch(/too large/);
    expect(byPath['repo/api/Dockerfile'].status).toBe('changed');
    expect(byPath['repo/next/Dockerfile'].status).toBe('changed');
    expect(fs.existsSync(marker)).toBe(false);
    // A FIFO found in a folder is not a Dockerfile to read; the walk and the reads never block.
    expect(byPath['repo/fifo/Dockerfile']).toBeUndefined();
    const deep = doc.files.find((f) => f.path.endsWith('/d149/Dockerfile'));
    expect(deep?.status).toBe('changed');
    expect(fs.readFileSync(path.join(outside, 'app', 'Dockerfile'), 'utf8')).toBe(
      NODE_APP.Dockerfile,
    );
  });

  it('writes nginx.conf into a compose build context inside the paths given', async () => {
    // The negative of common/context-outside: the context is another folder, as in the hostile
    // tree, but one the paths given contain, so the new file is written there.
    const root = makeTree({
      'repo/.git/HEAD': 'ref: refs/heads/main\n',
      'repo/compose.yaml':
        'services:\n  web:\n    build:\n      context: ./site\n      dockerfile: ../docker/web.Dockerfile\n',
      'repo/docker/web.Dockerfile': VITE.Dockerfile,
      'repo/site/package.json': VITE['package.json'],
    });
    const r = await runCli(['--write', '--format', 'json', 'repo'], root);
    const file = (
      JSON.parse(r.stdout) as { files: Array<{ path: string; status: string }> }
    ).files.find((f) => f.path === 'repo/docker/web.Dockerfile');
    expect(file?.status).toBe('changed');
    expect(fs.readFileSync(path.join(root, 'repo', 'site', 'nginx.conf'), 'utf8')).toContain(
      'listen',
    );
  });

  it('names a FIFO given as a Dockerfile as an error instead of waiting on it', async () => {
    const { root } = hostileTree();
    const r = await runCli(['repo/fifo/Dockerfile'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('repo/fifo/Dockerfile: error is not a regular file');
  });

  it('follows a symlink named on the command line, as asked', async () => {
    const { root, outside } = hostileTree();
    // Needs nothing from its context (the link's folder): node runs inline code.
    const plain =
      'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["node", "-e", "require(\'http\').createServer().listen(3000)"]\n';
    fs.writeFileSync(path.join(outside, 'plain.Dockerfile'), plain);
    fs.symlinkSync(
      path.join(outside, 'plain.Dockerfile'),
      path.join(root, 'repo', 'link', 'plain.Dockerfile'),
    );
    const r = await runCli(['--write', 'repo/link/plain.Dockerfile'], root);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(outside, 'plain.Dockerfile'), 'utf8')).toContain('AS builder');
    expect(fs.lstatSync(path.join(root, 'repo', 'link', 'plain.Dockerfile')).isSymbolicLink()).toBe(
      true,
    );
  });
});
