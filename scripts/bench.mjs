// npm run bench: generates a tree of single-stage Node and Go Dockerfiles with their manifests,
// then times, side by side: dockerize-slim's dry run over the tree (--jobs 1 and default),
// dockerfilelint over the same files, a parse-only pass with dockerfile-ast (the floor), and cold
// starts against `node -e 0`. Prints medians and ratios; writes bench-results.json.
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_FILES ?? 10000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const TREE = process.env.BENCH_TREE ?? path.join(os.tmpdir(), `dockerize-slim-bench-${FILES}`);
const BIN = path.join(ROOT, 'bin', 'dockerize-slim.js');
const LINT = path.join(ROOT, 'node_modules', 'dockerfilelint', 'bin', 'dockerfilelint');

const NODE_VARIANTS = [
  (i) =>
    `FROM node:${[22, 24, 26][i % 3]}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm install\nCOPY . .\nEXPOSE 3000\nCMD ["npm", "start"]\n`,
  (i) =>
    `FROM node:22-slim\nWORKDIR /srv\nCOPY . .\nRUN npm ci && npm run build\nENV PORT=${3000 + (i % 100)}\nCMD ["node", "dist/server.js"]\n`,
  () => `FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD npm start\n`,
  () =>
    `FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:22-slim\nCOPY --from=build /app /app\nCMD ["node", "/app/index.js"]\n`,
];
const GO_VARIANTS = [
  (i) =>
    `FROM golang:1.27\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /bin/svc${i} .\nEXPOSE 8080\nCMD ["/bin/svc${i}"]\n`,
  () =>
    `FROM golang:1.26-alpine\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags "-X main.v=1" -o server ./cmd/server\nCMD ["./server"]\n`,
];

function generate() {
  if (fs.existsSync(path.join(TREE, '.complete'))) return;
  fs.rmSync(TREE, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(
      TREE,
      `org-${String(Math.floor(i / 100)).padStart(3, '0')}`,
      `repo-${String(i % 100).padStart(2, '0')}`,
    );
    fs.mkdirSync(dir, { recursive: true });
    if (i % 3 === 2) {
      const v = GO_VARIANTS[i % GO_VARIANTS.length];
      fs.writeFileSync(path.join(dir, 'Dockerfile'), v(i));
      fs.writeFileSync(path.join(dir, 'go.mod'), `module example.com/svc${i}\n\ngo 1.26\n`);
      fs.mkdirSync(path.join(dir, 'cmd', 'server'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'main.go'),
        'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      );
      fs.writeFileSync(
        path.join(dir, 'cmd', 'server', 'main.go'),
        'package main\n\nfunc main() {}\n',
      );
    } else {
      const v = NODE_VARIANTS[i % NODE_VARIANTS.length];
      fs.writeFileSync(path.join(dir, 'Dockerfile'), v(i));
      fs.writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({
          name: `svc${i}`,
          scripts: { start: 'node server.js', build: 'tsc' },
          dependencies: { express: '^4' },
          devDependencies: { typescript: '^5' },
        }),
      );
      fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}\n');
      fs.writeFileSync(path.join(dir, 'server.js'), 'require("express")().listen(3000);\n');
    }
  }
  fs.writeFileSync(path.join(TREE, '.complete'), '');
}

function dockerfiles() {
  const out = [];
  for (const org of fs
    .readdirSync(TREE)
    .filter((d) => d.startsWith('org-'))
    .sort()) {
    for (const repo of fs.readdirSync(path.join(TREE, org)).sort())
      out.push(path.join(TREE, org, repo, 'Dockerfile'));
  }
  return out;
}

function time(cmd, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 28,
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.error) throw r.error;
  return { ms, stderr: r.stderr?.toString() ?? '' };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label, runs, fn) {
  const ms = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = fn();
    ms.push(last.ms);
  }
  const m = median(ms);
  console.log(
    `${label.padEnd(46)} median ${m.toFixed(1).padStart(9)} ms  (runs: ${ms.map((x) => x.toFixed(0)).join(', ')})`,
  );
  return { label, medianMs: Math.round(m * 10) / 10, runs: ms.map((x) => Math.round(x)), last };
}

generate();
const files = dockerfiles();
console.log(
  `tree: ${files.length} Dockerfiles with manifests in ${TREE}; ${os.cpus().length} cores; node ${process.version}\n`,
);
const parseScript = `const fs=require('fs');const {DockerfileParser}=require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dockerfile-ast'))});for(const f of fs.readFileSync(0,'utf8').split('\\n'))if(f)DockerfileParser.parse(fs.readFileSync(f,'utf8'));`;
const fileList = files.join('\n');

const jobs1 = measure('dockerize-slim dry run, --jobs 1', RUNS, () =>
  time('node', [BIN, '--jobs', '1', '--no-color', TREE]),
);
const jobsN = measure(`dockerize-slim dry run, default jobs (${os.cpus().length})`, RUNS, () =>
  time('node', [BIN, '--no-color', TREE]),
);
const lint = measure('dockerfilelint, same files', RUNS, () => time('node', [LINT, ...files]));
const parse = measure('dockerfile-ast parse only (floor)', RUNS, () =>
  time('node', ['-e', parseScript], { input: fileList, stdio: ['pipe', 'ignore', 'pipe'] }),
);
console.log(`  summary of the last dry run: ${jobsN.last.stderr.trim().split('\n').pop()}\n`);

const one = path.dirname(files[0]);
const nodeStart = measure('node -e 0', COLD_RUNS, () => time('node', ['-e', '0']));
const version = measure('dockerize-slim --version', COLD_RUNS, () =>
  time('node', [BIN, '--version']),
);
const single = measure('dockerize-slim dry run of one Dockerfile', COLD_RUNS, () =>
  time('node', [BIN, '--no-color', one]),
);

const ratios = {
  treeJobs1VsDockerfilelint: jobs1.medianMs / lint.medianMs,
  treeDefaultVsDockerfilelint: jobsN.medianMs / lint.medianMs,
  treeDefaultVsParseFloor: jobsN.medianMs / parse.medianMs,
  versionVsNode: version.medianMs / nodeStart.medianMs,
  oneFileVsNode: single.medianMs / nodeStart.medianMs,
};
console.log('\nratios (target: tree <= 1.0 x dockerfilelint, one file <= 1.5 x node -e 0):');
for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(30)} ${v.toFixed(2)}`);
const results = {
  files: files.length,
  cores: os.cpus().length,
  node: process.version,
  measurements: [jobs1, jobsN, lint, parse, nodeStart, version, single].map(
    ({ label, medianMs, runs }) => ({ label, medianMs, runs }),
  ),
  ratios,
};
fs.writeFileSync(path.join(ROOT, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\nwrote bench-results.json');
