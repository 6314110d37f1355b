import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { makeIo, makeTree, NODE_APP, runCli } from '../helpers/cli';
import { run } from '../../src/cli/run';

const GOOD = {
  'ok/Dockerfile': NODE_APP.Dockerfile,
  'ok/package.json': NODE_APP['package.json'],
  'ok/server.js': NODE_APP['server.js'],
};

/** Every bad input: one clear line naming the file, exit code 2, and the good file still processed. */
async function expectBad(
  files: Record<string, string | Buffer>,
  target: string,
  message: RegExp,
  prepare?: (root: string) => void,
) {
  const root = makeTree(GOOD);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  prepare?.(root);
  const r = await runCli([target, 'ok'], root);
  expect(r.code).toBe(2);
  const line = r.stderr.split('\n').find((l) => l.startsWith(`${target}: error`));
  expect(line).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toContain('diff --git a/ok/Dockerfile');
}

describe('bad input', () => {
  it('an empty file', () =>
    expectBad({ 'bad/Dockerfile': '' }, 'bad/Dockerfile', /no FROM instruction/));
  it('a binary file', () =>
    expectBad(
      { 'bad/Dockerfile': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]) },
      'bad/Dockerfile',
      /is a binary file/,
    ));
  it('a file that is not UTF-8', () =>
    expectBad(
      { 'bad/Dockerfile': Buffer.from('FROM node:22\nLABEL x="caf\xe9"\n', 'latin1') },
      'bad/Dockerfile',
      /is not valid UTF-8/,
    ));
  it('a directory named Dockerfile', () =>
    expectBad({ 'bad/Dockerfile/x': 'y' }, 'bad/Dockerfile', /is a directory/));
  it('a Dockerfile with no FROM', () =>
    expectBad(
      { 'bad/Dockerfile': 'RUN echo hi\nCMD ["x"]\n' },
      'bad/Dockerfile',
      /no FROM instruction/,
    ));
  it('an invalid instruction', () =>
    expectBad(
      { 'bad/Dockerfile': 'FROM node:22\nFORM node:22\n' },
      'bad/Dockerfile',
      /line 2: unknown instruction FORM/,
    ));
  it('a 10 MB file', () =>
    expectBad(
      { 'bad/Dockerfile': 'FROM node:22\n' + '#'.repeat(10 * 1024 * 1024) + '\n' },
      'bad/Dockerfile',
      /too large for a Dockerfile \(10\.0 MiB/,
    ));
  it('a path that does not exist', () =>
    expectBad({}, 'nope/Dockerfile', /no such file or directory/));
  it('a package.json that is not valid JSON', () =>
    expectBad(
      { 'bad/Dockerfile': NODE_APP.Dockerfile, 'bad/package.json': '{"name": "x",' },
      'bad/Dockerfile',
      /package\.json is not valid JSON/,
    ));
  it('a go.mod that does not parse', () =>
    expectBad(
      {
        'bad/Dockerfile':
          'FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n',
        'bad/go.mod': 'this is not a go.mod\n',
      },
      'bad/Dockerfile',
      /go\.mod does not parse/,
    ));

  it('a file without read permission', async () => {
    // root reads everything, so the permission error is injected where the process runs as root.
    const root = makeTree({ ...GOOD, 'bad/Dockerfile': NODE_APP.Dockerfile });
    const target = path.join(root, 'bad/Dockerfile');
    fs.chmodSync(target, 0o000);
    const io = makeIo(root);
    if (process.getuid?.() === 0) {
      // open(2) is where a real permission error happens.
      const real = fs.openSync;
      io.fs = {
        ...fs,
        openSync: ((p: fs.PathLike, flags: fs.OpenMode, mode?: fs.Mode) => {
          if (p === target) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
          return real(p, flags, mode);
        }) as typeof fs.openSync,
      };
    }
    const code = await run(['bad/Dockerfile', 'ok'], io, 'test');
    expect(code).toBe(2);
    expect(io.err.join('')).toContain('bad/Dockerfile: error permission denied');
    expect(io.out.join('')).toContain('diff --git a/ok/Dockerfile');
  });

  it('a read-only file with --write is reported and left as it is', async () => {
    const root = makeTree({
      ...GOOD,
      'ro/Dockerfile': NODE_APP.Dockerfile,
      'ro/package.json': NODE_APP['package.json'],
      'ro/server.js': NODE_APP['server.js'],
    });
    fs.chmodSync(path.join(root, 'ro/Dockerfile'), 0o444);
    const r = await runCli(['--write', '.'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ro/Dockerfile: error the file is read-only');
    expect(fs.readFileSync(path.join(root, 'ro/Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
    expect(fs.readFileSync(path.join(root, 'ok/Dockerfile'), 'utf8')).toContain('AS builder');
  });

  it('a symlink with --write: the target is written, the link stays a link', async () => {
    const root = makeTree({
      'shared/base.Dockerfile': NODE_APP.Dockerfile,
      'app/package.json': NODE_APP['package.json'],
      'app/server.js': NODE_APP['server.js'],
    });
    fs.symlinkSync('../shared/base.Dockerfile', path.join(root, 'app/Dockerfile'));
    const r = await runCli(['--write', '--context', 'app', 'app/Dockerfile'], root);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(path.join(root, 'app/Dockerfile')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'shared/base.Dockerfile'), 'utf8')).toContain(
      'AS builder',
    );
  });
});

/** Mounts a tmpfs of a few kilobytes, or returns null when this machine cannot (not root, no mount). */
function smallFilesystem(): { dir: string; unmount: () => void } | null {
  if (process.getuid?.() !== 0 || os.platform() !== 'linux') return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { dir, unmount: () => execFileSync('umount', [dir], { stdio: 'ignore' }) };
}

describe('faults during a bulk --write', () => {
  it('leaves every file in its old or its new form when the disk fills up, and no temporary file', async () => {
    const fsys = smallFilesystem();
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) {
      // Just under one 4 KiB page, so that each rewrite needs two pages and frees one.
      const head = `# service ${String(i).padStart(2, '0')}\n`;
      const pad = '#'.repeat(4000 - head.length - NODE_APP.Dockerfile.length - 1) + '\n';
      files[`svc${i}/Dockerfile`] = head + pad + NODE_APP.Dockerfile;
      files[`svc${i}/package.json`] = NODE_APP['package.json'];
      files[`svc${i}/server.js`] = NODE_APP['server.js'];
    }
    let root: string;
    const io = (r: string) => makeIo(r);
    let testIo;
    if (fsys) {
      root = fsys.dir;
      for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), content);
      }
      // Fill what is left so that some rewrites cannot be written.
      let n = 0;
      try {
        for (;;) fs.writeFileSync(path.join(root, `filler-${n++}`), 'x'.repeat(1024));
      } catch {
        // Full now.
      }
      for (const k of [0, 1, 2]) fs.unlinkSync(path.join(root, `filler-${k}`));
      testIo = io(root);
    } else {
      // No mount here: the same failure is injected (ENOSPC on the fourth write).
      root = makeTree(files);
      testIo = io(root);
      let writes = 0;
      testIo.fs = {
        ...fs,
        writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
          if (++writes >= 4) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
          return (fs.writeSync as (...a: unknown[]) => number)(...args);
        }) as typeof fs.writeSync,
      };
    }
    try {
      const code = await run(['--write', '.'], testIo, 'test');
      const err = testIo.err.join('');
      expect(code).toBe(2);
      expect(err).toMatch(/error cannot write: no space left on device/);
      let rewritten = 0;
      for (let i = 0; i < 12; i++) {
        const text = fs.readFileSync(path.join(root, `svc${i}/Dockerfile`), 'utf8');
        const old = files[`svc${i}/Dockerfile`];
        const complete =
          text.startsWith(old.slice(0, old.indexOf('FROM node:22'))) &&
          text.includes('FROM node:22 AS builder') &&
          text.endsWith('CMD ["server.js"]\n');
        expect(text === old || complete).toBe(true);
        if (text !== old) rewritten++;
      }
      expect(rewritten).toBeGreaterThan(0);
      expect(rewritten).toBeLessThan(12);
      const leftovers = fs
        .readdirSync(root, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.tmp'));
      expect(leftovers).toEqual([]);
    } finally {
      fsys?.unmount();
    }
  });
});
