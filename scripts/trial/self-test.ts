// The harness on small repositories it makes itself (CI runs this; the real trial is not part of
// CI): a Node server and a Go server that must come out "same", a server whose page carries a stamp
// of its build, which must come out "same" by status, a server on a port below 1024 that
// exits silently where it may not bind it, which must come out "same" in a private network
// namespace, an original that cannot build and one whose tag never existed, which the tool must
// skip and the harness must classify, and, with --observe, an app whose rewrite lacks a folder it
// makes, which observation must name and feeding it back must fix. Each list runs twice and the
// rows must be identical.
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { TrialRow } from './cases';
import { runTrial } from './run';

interface Repo {
  name: string;
  files: Record<string, string>;
  /** Run with --observe (a list of its own, so the other cases cost no tracing). */
  observe?: boolean;
}

const REPOS: Repo[] = [
  {
    name: 'selftest/node-http',
    files: {
      Dockerfile: [
        'FROM node:22',
        'WORKDIR /app',
        'COPY package.json server.js ./',
        'EXPOSE 38741',
        'CMD ["npm", "start"]',
        '',
      ].join('\n'),
      'package.json': JSON.stringify(
        {
          name: 'selftest-node',
          version: '1.0.0',
          private: true,
          scripts: { start: 'node server.js' },
        },
        null,
        2,
      ),
      'server.js': [
        "const http = require('http');",
        'http',
        '  .createServer((req, res) => {',
        "    if (req.url === '/') return res.end('node says hello\\n');",
        '    res.statusCode = 404;',
        "    res.end('no ' + req.url + '\\n');",
        '  })',
        '  .listen(38741);',
        "process.on('SIGTERM', () => process.exit(0));",
        '',
      ].join('\n'),
    },
  },
  {
    name: 'selftest/go-http',
    files: {
      Dockerfile: [
        'FROM golang:1.26',
        'WORKDIR /src',
        'COPY . .',
        'RUN go build -o /usr/local/bin/hello .',
        'EXPOSE 38742',
        'CMD ["hello"]',
        '',
      ].join('\n'),
      'go.mod': 'module example.com/hello\n\ngo 1.22\n',
      'greeting.txt': 'go says hello\n',
      'main.go': [
        'package main',
        '',
        'import (',
        '\t"net/http"',
        '\t"os"',
        ')',
        '',
        'func main() {',
        '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {',
        '\t\tif r.URL.Path != "/" {',
        '\t\t\thttp.NotFound(w, r)',
        '\t\t\treturn',
        '\t\t}',
        '\t\tb, err := os.ReadFile("greeting.txt")',
        '\t\tif err != nil {',
        '\t\t\thttp.Error(w, err.Error(), 500)',
        '\t\t\treturn',
        '\t\t}',
        '\t\tw.Write(b)',
        '\t})',
        '\thttp.ListenAndServe(":38742", nil)',
        '}',
        '',
      ].join('\n'),
    },
  },
  {
    name: 'selftest/cannot-build',
    files: {
      Dockerfile: [
        'FROM node:22',
        'WORKDIR /app',
        'COPY dist/ ./',
        'CMD ["node", "index.js"]',
        '',
      ].join('\n'),
      'README.md': 'dist/ is not committed and not ignored: the original cannot build.\n',
    },
  },
  {
    // Stamps each build into its page, as SvelteKit stamps its build time: the rewrite's page
    // differs from the original's, and so does a second build of the original without cache, so
    // the page is compared by status and the row says so.
    name: 'selftest/build-stamp',
    files: {
      Dockerfile: [
        'FROM node:22',
        'WORKDIR /app',
        'COPY . .',
        'RUN node stamp.js',
        'EXPOSE 38744',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n'),
      'package.json': JSON.stringify(
        { name: 'selftest-stamp', version: '1.0.0', private: true },
        null,
        2,
      ),
      // Letters only, so that no normalisation of dates, ids or hashes takes the stamp out.
      'stamp.js': [
        "const letters = 'ghijklmnopqrstuvwxyz';",
        "let stamp = '';",
        'for (let i = 0; i < 16; i++) stamp += letters[Math.floor(Math.random() * letters.length)];',
        "require('fs').writeFileSync('build-stamp.txt', stamp);",
        '',
      ].join('\n'),
      'server.js': [
        "const stamp = require('fs').readFileSync(__dirname + '/build-stamp.txt', 'utf8');",
        "require('http')",
        '  .createServer((req, res) => {',
        "    if (req.url === '/') return res.end('<p>built ' + stamp + '</p>\\n');",
        '    res.statusCode = 404;',
        "    res.end('no ' + req.url + '\\n');",
        '  })',
        '  .listen(38744);',
        "process.on('SIGTERM', () => process.exit(0));",
        '',
      ].join('\n'),
    },
  },
  {
    // Listens below 1024 and, like a Go server that ignores ListenAndServe's error, exits 0
    // without a word when it may not: the non-root rewrite must be compared in the namespace
    // because the original listened there, whatever the rewrite prints.
    name: 'selftest/low-port-silent',
    files: {
      Dockerfile: [
        'FROM node:22',
        'WORKDIR /app',
        'COPY server.js ./',
        'EXPOSE 1023',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n'),
      'server.js': [
        "const server = require('http').createServer((req, res) => {",
        "  res.statusCode = req.url === '/' ? 200 : 404;",
        "  res.end(req.url === '/' ? 'low port says hello\\n' : 'no ' + req.url + '\\n');",
        '});',
        "server.on('error', () => process.exit(0));",
        'server.listen(1023);',
        "process.on('SIGTERM', () => process.exit(0));",
        '',
      ].join('\n'),
    },
  },
  {
    // A tag the node image never had: the build fails at the pull anywhere, so the harness must
    // classify it and never stand another node image in for it.
    name: 'selftest/tag-does-not-exist',
    files: {
      Dockerfile: [
        'FROM node:lastest',
        'WORKDIR /app',
        'COPY server.js ./',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n'),
      'server.js':
        "require('http').createServer((req, res) => res.end('hello\\n')).listen(38743);\n",
    },
  },
];

REPOS.push({
  // --observe: a dependency makes var/visits under the working folder, which the repository's
  // minimal:true leaves read-only; the traced original shows the folder made, and fed back the
  // rewrite answers as the original.
  name: 'selftest/observe-write',
  observe: true,
  files: {
    Dockerfile: [
      'FROM node:22',
      'WORKDIR /app',
      'COPY . .',
      'RUN npm install',
      'EXPOSE 38745',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n'),
    '.dockerize-slim.json': '{ "minimal": true }\n',
    'package.json': JSON.stringify(
      {
        name: 'selftest-observe',
        version: '1.0.0',
        private: true,
        dependencies: { journal: 'file:lib/journal' },
      },
      null,
      2,
    ),
    'package-lock.json': JSON.stringify(
      {
        name: 'selftest-observe',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': {
            name: 'selftest-observe',
            version: '1.0.0',
            dependencies: { journal: 'file:lib/journal' },
          },
          'lib/journal': { version: '1.0.0' },
          'node_modules/journal': { resolved: 'lib/journal', link: true },
        },
      },
      null,
      2,
    ),
    'lib/journal/package.json': JSON.stringify({
      name: 'journal',
      version: '1.0.0',
      main: 'index.js',
    }),
    'lib/journal/index.js': [
      "const fs = require('fs');",
      "const dir = require('path').join(process.cwd(), ['var', 'visits'].join('/'));",
      'fs.mkdirSync(dir, { recursive: true });',
      "module.exports = (who) => fs.appendFileSync(dir + '/log', who + '\\n');",
      '',
    ].join('\n'),
    'server.js': [
      "const record = require('journal');",
      "require('http')",
      '  .createServer((req, res) => {',
      "    if (req.url !== '/') return (res.statusCode = 404), res.end('no\\n');",
      "    record('someone');",
      "    res.end('recorded\\n');",
      '  })',
      '  .listen(38745);',
      "process.on('SIGTERM', () => process.exit(0));",
      '',
    ].join('\n'),
  },
});

const EXPECTED: Record<string, (r: TrialRow) => boolean> = {
  'selftest/observe-write': (r) =>
    r.tool?.status === 'changed' &&
    r.outcome === 'broke-start' &&
    r.observation?.mismatches === 2 &&
    r.observation.byKind?.mkdir === 1 &&
    r.observation.byKind?.write === 1 &&
    r.observation.rows?.find((x) => x.verdict === 'mismatch')?.rule === 'node/writable-paths' &&
    r.observation.feedback?.outcome === 'same' &&
    r.observation.feedback.remaining === 0,
  'selftest/node-http': (r) => r.tool?.status === 'changed' && r.outcome === 'same',
  'selftest/go-http': (r) => r.tool?.status === 'changed' && r.outcome === 'same',
  'selftest/cannot-build': (r) =>
    r.tool?.skip?.class === 'cannot-build' && r.original?.build.failure?.class === 'missing-file',
  'selftest/build-stamp': (r) =>
    r.tool?.status === 'changed' &&
    r.outcome === 'same' &&
    r.original?.rebuilt?.bodiesVary.join() === '/',
  'selftest/low-port-silent': (r) =>
    r.tool?.status === 'changed' &&
    r.outcome === 'low-port-denied-same' &&
    r.rewrite?.run?.netns === true,
  'selftest/tag-does-not-exist': (r) =>
    r.original?.build.failure?.class === 'tag-does-not-exist' && r.standIns === undefined,
};

function makeRepos(mirrors: string, work: string, observe: boolean): string[] {
  const lines: string[] = [];
  for (const repo of REPOS.filter((r) => (r.observe ?? false) === observe)) {
    const src = path.join(work, 'src', repo.name.replace('/', '+'));
    fs.mkdirSync(src, { recursive: true });
    for (const [f, text] of Object.entries(repo.files)) {
      fs.mkdirSync(path.dirname(path.join(src, f)), { recursive: true });
      fs.writeFileSync(path.join(src, f), text);
    }
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', src, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'trial',
          GIT_AUTHOR_EMAIL: 'trial@example.invalid',
          GIT_COMMITTER_NAME: 'trial',
          GIT_COMMITTER_EMAIL: 'trial@example.invalid',
          GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
          GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
        },
      })
        .toString()
        .trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'trial self-test');
    const commit = git('rev-parse', 'HEAD');
    const bare = path.join(mirrors, repo.name.replace('/', '+'), 'repo');
    fs.mkdirSync(path.dirname(bare), { recursive: true });
    execFileSync('git', ['clone', '-q', '--bare', src, bare]);
    lines.push(JSON.stringify({ repo: repo.name, commit, dockerfile: 'Dockerfile' }));
  }
  return lines;
}

export async function selfTest(print: (line: string) => void): Promise<number> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerize-slim-trial-self-test-'));
  try {
    const mirrors = path.join(work, 'mirrors');
    let failed = 0;
    // The cases run twice, and the second run must give the same rows; the --observe case is a
    // list of its own, so that tracing costs only where it is tested.
    for (const observe of [false, true]) {
      const list = path.join(work, `selftest${observe ? '-observe' : ''}.cases.jsonl`);
      fs.writeFileSync(list, makeRepos(mirrors, work, observe).join('\n') + '\n');
      const run = () =>
        runTrial(
          {
            list,
            mirrors,
            work: path.join(work, 'runs'),
            tool: path.resolve(__dirname, '..', 'bin', 'dockerize-slim.js'),
            docker: true,
            keepImages: false,
            startTimeoutS: 60,
            observe,
          },
          (l) => print(`  ${l}`),
        );
      const first = await run();
      const second = await run();
      for (const row of first) {
        const ok = EXPECTED[row.repo]?.(row) ?? false;
        if (!ok) failed++;
        print(
          `${ok ? 'pass' : 'FAIL'} trial self-test ${row.repo}: ${row.outcome} (${row.detail})`,
        );
        if (!ok && row.observation) print(`  observation: ${JSON.stringify(row.observation)}`);
      }
      const same = JSON.stringify(first) === JSON.stringify(second);
      if (!same) failed++;
      print(
        `${same ? 'pass' : 'FAIL'} trial self-test${observe ? ' --observe' : ''}: the second run gives identical rows`,
      );
      if (!same) {
        first.forEach((r, i) => {
          if (JSON.stringify(r) !== JSON.stringify(second[i]))
            print(`  first:  ${JSON.stringify(r)}\n  second: ${JSON.stringify(second[i])}`);
        });
      }
    }
    return failed === 0 ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
