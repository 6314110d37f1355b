import fc from 'fast-check';
import { transform } from '../src/engine';
import { DockerizeError } from '../src/errors';
import type { BuildContext, TransformOptions } from '../src/types';

// Paths the tool derives from code, Dockerfiles and env values can climb out of the build context
// or be absolute. None of them may reach a library that throws on them (an "internal error"): the
// engine either rewrites, skips with a reason, or reports an input error.
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 400);

const outside = fc.constantFrom(
  '../package.json',
  '../../config/app.json',
  '/etc/app/config.json',
  './a/../../b.js',
  'a/../../../c',
  '..',
  '../',
  '/',
  '.',
  '',
  'lib/../../x.js',
  '~/secrets.json',
  '${HOME}/x',
);

const nodeCode = outside.map(
  (p) =>
    `const v = process.env.npm_package_version || require('${p}').version;\n` +
    `const fs = require('fs');\nfs.writeFileSync('${p}', 'x');\nfs.readFileSync(path.join(__dirname, '${p}'));\n` +
    `require('express')().listen(3000);\n`,
);
const goCode = outside.map(
  (p) =>
    `package main\n\nimport (\n\t"os"\n\t"net/http"\n)\n\nfunc main() {\n\tos.ReadFile("${p}")\n\tos.MkdirAll("${p}", 0o755)\n\thttp.ListenAndServe(":8080", nil)\n}\n`,
);

const dockerfile = fc.record({
  node: fc.boolean(),
  workdir: fc.oneof(
    fc.constant('/app'),
    outside.map((p) => (p === '' ? '/' : p)),
  ),
  copy: outside,
  env: outside,
  entry: fc.oneof(fc.constant('server.js'), outside),
});

function render(d: {
  node: boolean;
  workdir: string;
  copy: string;
  env: string;
  entry: string;
}): string {
  return d.node
    ? `FROM node:22\nWORKDIR ${d.workdir}\nENV CONFIG=${d.env}\nCOPY package*.json ./\nRUN npm ci\nCOPY ${d.copy || '.'} ./cfg/\nCOPY . .\nCMD ["node", "${d.entry}"]\n`
    : `FROM golang:1.27\nWORKDIR ${d.workdir}\nENV CONFIG=${d.env}\nCOPY ${d.copy || '.'} ./cfg/\nCOPY . .\nRUN go build -o /bin/app .\nCMD ["/bin/app", "-config", "${d.env}"]\n`;
}

describe('paths that leave the build context', () => {
  it(`never make the engine throw anything but an input error (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        dockerfile,
        nodeCode,
        goCode,
        outside,
        fc.constantFrom<TransformOptions['target']>('auto', 'slim', 'scratch'),
        fc.boolean(),
        (d, js, go, ignored, target, minimal) => {
          const context: BuildContext = {
            paths: [
              'package.json',
              'package-lock.json',
              'server.js',
              'go.mod',
              'main.go',
              '.gitignore',
              '.dockerignore',
              'lib/',
              'lib/x.js',
            ],
            files: {
              'package.json': JSON.stringify({
                name: 'x',
                version: '1.0.0',
                scripts: { start: 'node server.js' },
                dependencies: { express: '4' },
              }),
              'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: {} }),
              'server.js': js,
              'lib/x.js': js,
              'go.mod': 'module example.com/app\n\ngo 1.26\n',
              'main.go': go,
              '.gitignore': `node_modules\n${ignored}\n/${ignored}\n!${ignored}\n`,
              '.dockerignore': `${ignored}\n`,
            },
          };
          try {
            transform(render(d), { target, minimal }, context);
          } catch (e) {
            if (e instanceof DockerizeError) return true;
            throw e;
          }
          return true;
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.FAST_CHECK_SEED ?? 20261207) },
    );
  });
});
