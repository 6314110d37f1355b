import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { WORKER_THRESHOLD } from '../../src/cli/pool';
import { run } from '../../src/cli/run';
import { makeIo, makeTree, NODE_APP } from '../helpers/cli';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dockerize-slim.js');

describe('--jobs (built CLI, worker threads)', () => {
  it('gives the same, sorted output with one job and with several', () => {
    if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'worker.js')))
      throw new Error('dist/ is missing: run npm run build (npm ci does it)');
    const files: Record<string, string> = {};
    // More files than WORKER_THRESHOLD, so that --jobs 4 runs worker threads.
    for (let i = 0; i < 1500; i++) {
      const dir = `svc-${String((i * 7919) % 1500).padStart(4, '0')}`;
      files[`${dir}/Dockerfile`] =
        i % 3 === 0
          ? 'FROM node:22 AS a\nFROM node:22-slim\n'
          : `FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["node", "s${i}.js"]\n`;
      if (i % 3 !== 0) files[`${dir}/s${i}.js`] = NODE_APP['server.js'];
    }
    const root = makeTree(files);
    const one = spawnSync('node', [BIN, '-l', '--jobs', '1', '.'], { cwd: root, encoding: 'utf8' });
    const many = spawnSync('node', [BIN, '-l', '--jobs', '4', '.'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(WORKER_THRESHOLD).toBeLessThan(1500);
    expect(one.status).toBe(1);
    expect(many.status).toBe(1);
    expect(many.stdout).toBe(one.stdout);
    const lines = one.stdout.trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect([...lines].sort()).toEqual(lines);
    expect(many.stderr).toMatch(
      /1500 files: 1000 would change, 0 unchanged, 500 skipped \(500 not supported \[common\/already-multi-stage: 500\]\), 0 errors/,
    );
  });
});

describe('output order', () => {
  it('is path order, folder by folder, as the results stream, whatever the jobs and inputs', () => {
    if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'worker.js')))
      throw new Error('dist/ is missing: run npm run build (npm ci does it)');
    const files: Record<string, string> = {};
    // 1,100 folders (more than WORKER_THRESHOLD: worker threads run) whose names sort differently as whole strings:
    // `app/` comes before `app-web/` and `app.v2/` folder by folder, after them character by character.
    for (const name of ['app', 'app-web', 'app.v2'])
      files[`${name}/Dockerfile`] = NODE_APP.Dockerfile;
    for (let i = 0; i < 1100; i++)
      files[`z/${String(i).padStart(4, '0')}/Dockerfile`] =
        'FROM node:22 AS a\nFROM node:22-slim\n';
    for (const name of ['app', 'app-web', 'app.v2']) {
      files[`${name}/package.json`] = NODE_APP['package.json'];
      files[`${name}/server.js`] = NODE_APP['server.js'];
    }
    const root = makeTree(files);
    const expected = [
      'app/Dockerfile',
      'app-web/Dockerfile',
      'app.v2/Dockerfile',
      ...Array.from({ length: 1100 }, (_, i) => `z/${String(i).padStart(4, '0')}/Dockerfile`),
    ];
    for (const jobs of ['1', '2']) {
      // Inputs out of order, one missing: its error takes its place in the order.
      // (Inputs that overlap, such as `.` and `z`, are walked in turn and each file shown once.)
      const r = spawnSync(
        'node',
        [BIN, '--jobs', jobs, '--no-color', 'z', 'missing', 'app.v2', 'app', 'app-web'],
        {
          cwd: root,
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(2);
      const named = [
        ...(r.stdout + r.stderr).matchAll(
          /^(?:diff --git a\/|)([\w./-]+Dockerfile|missing)(?::| b\/)/gm,
        ),
      ].map((m) => m[1]);
      expect([...new Set(named)]).toEqual([
        'app/Dockerfile',
        'app-web/Dockerfile',
        'app.v2/Dockerfile',
        'missing',
        ...expected.slice(3),
      ]);
    }
  });
});

describe('--interactive', () => {
  it('asks per file and writes only the accepted ones', async () => {
    const root = makeTree({
      'a/Dockerfile': NODE_APP.Dockerfile,
      'a/package.json': NODE_APP['package.json'],
      'a/server.js': NODE_APP['server.js'],
      'b/Dockerfile': NODE_APP.Dockerfile,
      'b/package.json': NODE_APP['package.json'],
      'b/server.js': NODE_APP['server.js'],
    });
    const answers = ['d', 'y', 'n'];
    const io = { ...makeIo(root), stdinIsTTY: true, prompt: async () => answers.shift() ?? 'q' };
    io.stdout.isTTY = true;
    const code = await run(['-i', '--no-color', '.'], io, 'test');
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'a/Dockerfile'), 'utf8')).toContain('AS builder');
    expect(fs.readFileSync(path.join(root, 'b/Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
    const out = io.out.join('');
    expect(out.match(/diff --git a\/a\/Dockerfile/g)).toHaveLength(2);
    expect(out).toContain('a/Dockerfile: rewritten');
    expect(out).toContain('b/Dockerfile: not written');
  });
});
