// The bench tree: N repositories, each a small but complete service with one Dockerfile, that the
// tool rewrites. Three in five are Node services (package.json, package-lock.json, server.js, a
// build script, a route module), two in five Go services (go.mod, go.sum, a main package and an
// internal package). Names, ports, Node and Go versions, dependencies and Dockerfile shapes vary
// with the repository's number, so no two repositories hold the same files.
//
// The same tree without sources (`sources: false`) holds the same Dockerfiles and nothing else:
// every file is refused early, as the COPY of package.json or go.mod would fail.
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

/** Bumped whenever the tree's content changes, so an old tree is regenerated. */
const TREE_VERSION = '4';

const NODE_MAJORS = [20, 22, 24];
const GO_VERSIONS = ['1.25', '1.26', '1.27'];

/** Node Dockerfiles as people write them; each is rewritten when its service is complete. */
const NODE_DOCKERFILES = [
  (s) =>
    `FROM node:${s.major}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nEXPOSE ${s.port}\nCMD ["npm", "start"]\n`,
  (s) =>
    `FROM node:${s.major}-slim\nWORKDIR /srv/${s.name}\nCOPY package.json package-lock.json ./\nRUN npm install\nCOPY . .\nENV PORT=${s.port} NODE_ENV=production\nCMD ["node", "server.js"]\n`,
  (s) =>
    `FROM node:${s.major}-alpine\n# ${s.name}: ${s.description}\nWORKDIR /usr/src/app\nCOPY . .\nRUN npm ci && npm run build\nENV PORT=${s.port}\nEXPOSE ${s.port}\nCMD npm start\n`,
  (s) =>
    `FROM node:${s.major}\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY server.js ./\nCOPY scripts ./scripts\nCOPY lib ./lib\nUSER node\nEXPOSE ${s.port}\nCMD ["node", "server.js"]\n`,
];

const GO_DOCKERFILES = [
  (s) =>
    `FROM golang:${s.go}\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /bin/${s.name} .\nEXPOSE ${s.port}\nCMD ["/bin/${s.name}"]\n`,
  (s) =>
    `FROM golang:${s.go}-alpine\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags "-s -w -X main.version=${s.i}" -o server .\nENV PORT=${s.port}\nCMD ["./server"]\n`,
];

/** Dependency sets with the packages each brings into package-lock.json. */
const NODE_DEPS = [
  { dependencies: {}, packages: [] },
  {
    dependencies: { ms: '^2.1.3' },
    packages: [['ms', '2.1.3', 'MIT']],
  },
  {
    dependencies: { debug: '^4.3.7', ms: '^2.1.3' },
    packages: [
      ['debug', '4.3.7', 'MIT', { ms: '^2.1.3' }],
      ['ms', '2.1.3', 'MIT'],
    ],
  },
  {
    dependencies: { cookie: '^0.7.1', 'mime-types': '^2.1.35', 'mime-db': '^1.52.0' },
    packages: [
      ['cookie', '0.7.1', 'MIT'],
      ['mime-db', '1.52.0', 'MIT'],
      ['mime-types', '2.1.35', 'MIT', { 'mime-db': '1.52.0' }],
    ],
  },
];

const GO_REQUIRES = [
  [],
  [['github.com/google/uuid', 'v1.6.0']],
  [
    ['github.com/go-chi/chi/v5', 'v5.2.1'],
    ['github.com/google/uuid', 'v1.6.0'],
  ],
];

const DESCRIPTIONS = ['orders API', 'notification worker', 'catalogue service', 'auth gateway'];

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A stable, made-up integrity hash for a package of the lockfile. */
function integrity(name, version) {
  return `sha512-${crypto.createHash('sha512').update(`${name}@${version}`).digest('base64')}`;
}

function service(i) {
  return {
    i,
    name: `svc${i}`,
    port: 3000 + (i % 997),
    major: NODE_MAJORS[i % NODE_MAJORS.length],
    go: GO_VERSIONS[i % GO_VERSIONS.length],
    description: DESCRIPTIONS[i % DESCRIPTIONS.length],
  };
}

function nodeService(dir, i, sources) {
  const s = service(i);
  write(path.join(dir, 'Dockerfile'), NODE_DOCKERFILES[i % NODE_DOCKERFILES.length](s));
  if (!sources) return;
  const deps = NODE_DEPS[Math.floor(i / 5) % NODE_DEPS.length];
  const pkg = {
    name: s.name,
    version: `1.${i % 10}.0`,
    private: true,
    description: `The ${s.description} (${s.name}).`,
    main: 'server.js',
    scripts: {
      start: 'node server.js',
      build: 'node scripts/build.js',
      test: 'node --test',
    },
    dependencies: deps.dependencies,
    engines: { node: `>=${s.major}` },
  };
  write(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  const packages = {
    '': {
      name: s.name,
      version: pkg.version,
      ...(Object.keys(deps.dependencies).length ? { dependencies: deps.dependencies } : {}),
      engines: pkg.engines,
    },
  };
  for (const [name, version, license, requires] of deps.packages)
    packages[`node_modules/${name}`] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`,
      integrity: integrity(name, version),
      license,
      ...(requires ? { dependencies: requires } : {}),
    };
  write(
    path.join(dir, 'package-lock.json'),
    JSON.stringify(
      { name: s.name, version: pkg.version, lockfileVersion: 3, requires: true, packages },
      null,
      2,
    ) + '\n',
  );
  const uses = Object.keys(deps.dependencies);
  write(
    path.join(dir, 'server.js'),
    `'use strict';
// ${s.name}: ${s.description}.
const http = require('http');
const routes = require('./lib/routes');
${uses.map((d) => `const ${d.replace(/\W/g, '_')} = require('${d}');`).join('\n')}

const port = Number(process.env.PORT || ${s.port});
const server = http.createServer((req, res) => {
  const route = routes.match(req.method, req.url);
  if (!route) {
    res.writeHead(404, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ error: 'not found' }));
  }
  return route(req, res);
});
server.listen(port, () => console.log('${s.name} listening on ' + port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
  );
  write(
    path.join(dir, 'lib', 'routes.js'),
    `'use strict';
const table = new Map([
  ['GET /', (req, res) => res.end(JSON.stringify({ service: '${s.name}', version: '${pkg.version}' }))],
  ['GET /health', (req, res) => res.end('ok')],
]);

exports.match = (method, url) => table.get(method + ' ' + url.split('?')[0]);
`,
  );
  write(
    path.join(dir, 'scripts', 'build.js'),
    `'use strict';
// Writes the build stamp the service reports; run by npm run build.
const fs = require('fs');
const path = require('path');

const stamp = { name: '${s.name}', builtAt: new Date().toISOString() };
fs.writeFileSync(path.join(__dirname, '..', 'lib', 'build.json'), JSON.stringify(stamp));
`,
  );
  write(path.join(dir, '.dockerignore'), 'node_modules\nnpm-debug.log\n.git\n');
}

function goService(dir, i, sources) {
  const s = service(i);
  write(path.join(dir, 'Dockerfile'), GO_DOCKERFILES[i % GO_DOCKERFILES.length](s));
  if (!sources) return;
  const requires = GO_REQUIRES[Math.floor(i / 5) % GO_REQUIRES.length];
  const module = `example.com/org${Math.floor(i / 100)}/${s.name}`;
  write(
    path.join(dir, 'go.mod'),
    `module ${module}\n\ngo ${s.go}\n` +
      (requires.length
        ? `\nrequire (\n${requires.map(([m, v]) => `\t${m} ${v}\n`).join('')})\n`
        : ''),
  );
  write(
    path.join(dir, 'go.sum'),
    requires
      .flatMap(([m, v]) => [
        `${m} ${v} h1:${crypto
          .createHash('sha256')
          .update(m + v)
          .digest('base64')}\n`,
        `${m} ${v}/go.mod h1:${crypto
          .createHash('sha256')
          .update(m + v + 'mod')
          .digest('base64')}\n`,
      ])
      .join(''),
  );
  const imports = requires.map(([m]) => m);
  write(
    path.join(dir, 'main.go'),
    `// Command ${s.name} serves the ${s.description}.
package main

import (
	"log"
	"net/http"
	"os"

	"${module}/internal/handlers"
)

var version = "dev"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "${s.port}"
	}
	log.Printf("${s.name} %s listening on %s", version, port)
	log.Fatal(http.ListenAndServe(":"+port, handlers.New(version)))
}
`,
  );
  write(
    path.join(dir, 'internal', 'handlers', 'handlers.go'),
    `// Package handlers holds the routes of ${s.name}.
package handlers

import (
	"encoding/json"
	"net/http"
${imports.map((m) => `\n\t_ "${m}"`).join('')}
)

// New returns the service's routes.
func New(version string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"service": "${s.name}", "version": version})
	})
	return mux
}
`,
  );
  write(path.join(dir, 'internal', 'handlers', 'handlers_test.go'), 'package handlers\n');
}

export function repoDir(tree, i) {
  return path.join(
    tree,
    `org-${String(Math.floor(i / 100)).padStart(4, '0')}`,
    `repo-${String(i % 100).padStart(2, '0')}`,
  );
}

/**
 * Writes the tree unless a complete one of this version and kind is there; returns the
 * Dockerfile paths. `sources: false` writes the Dockerfiles alone.
 */
export function generateTree(tree, files, { sources = true } = {}) {
  const marker = path.join(tree, '.complete');
  const version = `${TREE_VERSION}${sources ? '' : '-bare'}`;
  const complete = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === version;
  if (!complete) {
    fs.rmSync(tree, { recursive: true, force: true });
    for (let i = 0; i < files; i++) {
      const dir = repoDir(tree, i);
      if (i % 5 < 3) nodeService(dir, i, sources);
      else goService(dir, i, sources);
    }
    fs.writeFileSync(marker, version);
  }
  return Array.from({ length: files }, (_, i) => path.join(repoDir(tree, i), 'Dockerfile'));
}
