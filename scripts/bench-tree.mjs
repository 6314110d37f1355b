// The bench tree: N repositories with one Dockerfile each and the build context the tool reads.
// Three in five are generated variants of the common cases (npm start, a build, Go services); two
// in five are copies of the golden fixtures, so frameworks (Next, Nest, Nuxt, Remix, Vite, CRA),
// Go services with runtime files, monorepos and every kind of skip are on the timed path in the
// proportions the fixtures have.
import fs from 'fs';
import { createRequire } from 'module';
import path from 'path';

const require = createRequire(import.meta.url);

/** Bumped whenever the tree's content changes, so an old tree is regenerated. */
const TREE_VERSION = '3';

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

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function generatedRepo(dir, i) {
  if (i % 3 === 2) {
    write(path.join(dir, 'Dockerfile'), GO_VARIANTS[i % GO_VARIANTS.length](i));
    write(path.join(dir, 'go.mod'), `module example.com/svc${i}\n\ngo 1.26\n`);
    write(
      path.join(dir, 'main.go'),
      'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
    );
    write(path.join(dir, 'cmd', 'server', 'main.go'), 'package main\n\nfunc main() {}\n');
    return;
  }
  write(path.join(dir, 'Dockerfile'), NODE_VARIANTS[i % NODE_VARIANTS.length](i));
  write(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: `svc${i}`,
      scripts: { start: 'node server.js', build: 'tsc' },
      dependencies: { express: '^4' },
      devDependencies: { typescript: '^5' },
    }),
  );
  write(path.join(dir, 'package-lock.json'), '{}\n');
  write(path.join(dir, 'server.js'), 'require("express")().listen(3000);\n');
}

/** dockerfilelint throws on some files (a HEALTHCHECK without options); a crash would end its run. */
function dockerfilelintCanRead(file) {
  try {
    require('dockerfilelint').run(path.dirname(file), fs.readFileSync(file, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Fixture cases with a build context, as { dockerfile, context } folders. Both tools must get
 * through the same files, so the few dockerfilelint crashes on are left out (and listed).
 */
export function fixtureCases(fixtures) {
  const out = [];
  const excluded = [];
  for (const scope of ['common', 'node', 'static', 'go']) {
    const dir = path.join(fixtures, scope);
    for (const c of fs.readdirSync(dir).sort()) {
      const context = path.join(dir, c, 'context');
      const dockerfile = path.join(dir, c, 'Dockerfile');
      if (!fs.existsSync(context)) continue;
      if (dockerfilelintCanRead(dockerfile)) out.push({ dockerfile, context });
      else excluded.push(`${scope}/${c}`);
    }
  }
  return { cases: out, excluded };
}

export function repoDir(tree, i) {
  return path.join(
    tree,
    `org-${String(Math.floor(i / 100)).padStart(4, '0')}`,
    `repo-${String(i % 100).padStart(2, '0')}`,
  );
}

/** Writes the tree unless a complete one of this version is there; returns the Dockerfile paths. */
export function generateTree(tree, files, fixtures) {
  const marker = path.join(tree, '.complete');
  const complete = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === TREE_VERSION;
  if (!complete) {
    fs.rmSync(tree, { recursive: true, force: true });
    const { cases } = fixtureCases(fixtures);
    for (let i = 0; i < files; i++) {
      const dir = repoDir(tree, i);
      if (i % 5 < 3) generatedRepo(dir, i);
      else {
        const c = cases[Math.floor(i / 5) % cases.length];
        fs.cpSync(c.context, dir, { recursive: true });
        fs.copyFileSync(c.dockerfile, path.join(dir, 'Dockerfile'));
      }
    }
    fs.writeFileSync(marker, TREE_VERSION);
  }
  return Array.from({ length: files }, (_, i) => path.join(repoDir(tree, i), 'Dockerfile'));
}
