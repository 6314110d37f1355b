import fc from 'fast-check';
import { transform } from '../src/engine';
import { DockerizeError } from '../src/errors';
import type { BuildContext, TransformOptions } from '../src/types';
import { validateOutput } from '../src/dockerfile/validate';

// Dockerfiles generated from the instruction grammar, with the noise real files have: comments,
// blank lines, line continuations and keyword casing. FAST_CHECK_RUNS sets the run count.
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 400);

const word = fc.constantFrom(
  'server.js',
  'dist/main.js',
  'app',
  './bin/api',
  'index.mjs',
  '/opt/app/x.js',
);
const nodeFrom = fc.constantFrom(
  'node:22',
  'node:24-slim',
  'node:26',
  'node:20',
  'node:22-alpine',
  'node:lts',
  'docker.io/library/node:24',
  '--platform=linux/amd64 node:22',
);
const goFrom = fc.constantFrom('golang:1.27', 'golang:1.26-alpine', 'golang:1.26-bookworm');
const instruction = fc.oneof(
  fc.constantFrom(
    'WORKDIR /app',
    'WORKDIR /srv/app',
    'COPY . .',
    'COPY package*.json ./',
    'ADD src.tar.gz /opt/',
    'ENV NODE_ENV=production',
    'ENV PORT=3000 HOST=0.0.0.0',
    'ARG VERSION=1',
    'EXPOSE 3000',
    'EXPOSE 8080/tcp',
    'LABEL a="b c"',
    'VOLUME /data',
    'USER node',
    'USER 1001',
    'STOPSIGNAL SIGTERM',
  ),
  fc.constantFrom(
    'RUN npm install',
    'RUN npm ci --omit=dev',
    'RUN npm run build',
    'RUN yarn install',
    'RUN apt-get update && apt-get install -y ffmpeg',
    'RUN apk add --no-cache python3 make g++',
    'RUN mkdir -p /data && chown node /data',
    'RUN go mod download',
    'RUN go build -o /bin/app .',
    'RUN CGO_ENABLED=0 go build -ldflags "-X main.v=1" -o app ./cmd/app',
    'RUN npm install -g serve',
  ),
  word.map((w) => `CMD ["node", "${w}"]`),
  word.map((w) => `CMD node ${w}`),
  fc.constantFrom(
    'CMD ["npm", "start"]',
    'CMD npm start',
    'CMD ["yarn", "start"]',
    'CMD npm run build && npm start',
    'CMD ["/bin/app"]',
    'CMD ["./app", "-port", "8080"]',
    'CMD ["go", "run", "."]',
    'ENTRYPOINT ["tini", "--"]',
    'ENTRYPOINT ["/bin/app"]',
    'CMD ["serve", "-s", "dist"]',
  ),
  fc.constantFrom(
    'HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1',
    'HEALTHCHECK --interval=5s CMD ["node", "hc.js"]',
    'HEALTHCHECK NONE',
    'SHELL ["/bin/bash", "-c"]',
    'ONBUILD RUN echo hi',
    'MAINTAINER x',
  ),
);

interface Noise {
  comment: boolean;
  blank: boolean;
  lower: boolean;
  split: boolean;
}
const noise = fc.record({
  comment: fc.boolean(),
  blank: fc.boolean(),
  lower: fc.boolean(),
  split: fc.boolean(),
});

function render(lines: string[], noises: Noise[], crlf: boolean): string {
  const eol = crlf ? '\r\n' : '\n';
  const out: string[] = [];
  lines.forEach((line, i) => {
    const n = noises[i % noises.length];
    if (n.comment) out.push(`# note ${i}`);
    if (n.blank) out.push('');
    let text = n.lower ? line.replace(/^[A-Z]+/, (k) => k.toLowerCase()) : line;
    if (n.split && / /.test(text) && !text.includes('"')) {
      const at = text.lastIndexOf(' ');
      text = `${text.slice(0, at)} \\${eol}    ${text.slice(at + 1)}`;
    }
    out.push(text);
  });
  return out.join(eol) + eol;
}

const dockerfile = fc.record({
  from: fc.oneof(nodeFrom, goFrom),
  body: fc.array(instruction, { minLength: 0, maxLength: 9 }),
  noises: fc.array(noise, { minLength: 1, maxLength: 4 }),
  crlf: fc.boolean(),
  stages: fc.constantFrom(1, 1, 1, 2),
});

const CONTEXT: BuildContext = {
  paths: [
    'package.json',
    'package-lock.json',
    'server.js',
    'go.mod',
    'main.go',
    'src.tar.gz',
    'cmd/',
    'cmd/app/',
    'cmd/app/main.go',
  ],
  files: {
    'package.json': JSON.stringify({
      name: 'x',
      scripts: { start: 'node server.js', build: 'tsc' },
      dependencies: { express: '4' },
      devDependencies: { typescript: '5' },
    }),
    'go.mod': 'module example.com/app\n\ngo 1.26\n',
    'main.go': 'package main\n\nfunc main() {}\n',
    'cmd/app/main.go': 'package main\n\nfunc main() {}\n',
  },
};
const options = fc.record({
  target: fc.constantFrom(undefined, 'auto', 'distroless', 'scratch', 'cgr', 'slim', 'nginx'),
  harden: fc.boolean(),
}) as fc.Arbitrary<TransformOptions>;

describe('properties over generated Dockerfiles', () => {
  it(`never throws, outputs valid multi-stage files, and is idempotent (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(dockerfile, options, (d, opts) => {
        const lines = [`FROM ${d.from}`, ...d.body];
        if (d.stages === 2)
          lines.push(`FROM ${d.from.replace(/^--platform=\S+ /, '')}`, 'COPY --from=0 /app /app');
        const source = render(lines, d.noises, d.crlf);
        let result;
        try {
          result = transform(source, opts, CONTEXT);
        } catch (e) {
          if (e instanceof DockerizeError) return true;
          throw e;
        }
        if (!result.changed) {
          expect(result.output).toBe(source);
          expect(result.skipped?.reason ?? 'unchanged').toMatch(/\w/);
          return true;
        }
        expect(
          validateOutput(result.output, { shellLess: result.finalHasShell === false }),
        ).toEqual([]);
        for (const n of [...result.edits, ...result.warnings])
          expect(n.rule).toMatch(/^(common|node|go|static)\/[a-z0-9-]+$/);
        const again = transform(result.output, opts, CONTEXT);
        expect(again.changed).toBe(false);
        if (d.crlf) expect(result.output.replace(/\r\n/g, '')).not.toMatch(/\n/);
        return true;
      }),
      { numRuns: RUNS, seed: Number(process.env.FAST_CHECK_SEED ?? 20261122) },
    );
  });

  it('comments, blank lines and keyword casing do not change which rules apply', () => {
    fc.assert(
      fc.property(dockerfile, noise, (d, n) => {
        const lines = [`FROM ${d.from}`, ...d.body];
        const plain = render(
          lines,
          [{ comment: false, blank: false, lower: false, split: false }],
          false,
        );
        const noisy = render(lines, [{ ...n, split: false }], false);
        const rules = (s: string) => {
          try {
            const r = transform(s, {}, CONTEXT);
            return [
              r.changed,
              r.skipped?.rule,
              r.edits.map((e) => e.rule).sort(),
              r.warnings.map((w) => w.rule).sort(),
            ];
          } catch (e) {
            return [(e as DockerizeError).code];
          }
        };
        expect(rules(noisy)).toEqual(rules(plain));
        return true;
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: Number(process.env.FAST_CHECK_SEED ?? 20261122) },
    );
  });
});

// The last builder instruction is where flags are appended (a frozen install) and where new
// builder lines go (folders to make, the prune): the two must never mix (F25).
const lastInstall = fc.constantFrom(
  'RUN npm install -g pnpm && pnpm install',
  'RUN pnpm install',
  'RUN yarn install',
  'RUN yarn',
  'RUN npm install',
  'RUN npm i --no-audit',
  'RUN corepack enable && pnpm i',
);
const INSTALL_CONTEXT: BuildContext = {
  paths: ['package.json', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'server.js'],
  files: {
    'package.json': JSON.stringify({
      name: 'x',
      scripts: { start: 'node server.js' },
      dependencies: { express: '^4.19.2' },
      devDependencies: { nodemon: '^3.1.0' },
    }),
    'package-lock.json': JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { express: '^4.19.2' }, devDependencies: { nodemon: '^3.1.0' } },
      },
    }),
    'yarn.lock': '"express@^4.19.2":\n  version "4.19.2"\n"nodemon@^3.1.0":\n  version "3.1.0"\n',
    'pnpm-lock.yaml':
      "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      express:\n        specifier: ^4.19.2\n        version: 4.19.2\n    devDependencies:\n      nodemon:\n        specifier: ^3.1.0\n        version: 3.1.0\n",
    'server.js':
      "const fs = require('fs');\nfs.mkdirSync('logs', { recursive: true });\nfs.mkdirSync('/var/lib/app/cache', { recursive: true });\nrequire('http').createServer((q, s) => s.end('ok')).listen(3000);\n",
  },
};

describe('inserted builder lines', () => {
  it('never take words of the instruction they follow', () => {
    fc.assert(
      fc.property(
        lastInstall,
        fc.constantFrom('', 'USER node', 'USER 1001'),
        fc.constantFrom('COPY . .', 'COPY package*.json ./'),
        noise,
        fc.boolean(),
        (install, user, copy, n, crlf) => {
          const lines = ['FROM node:22', 'WORKDIR /app', copy, install];
          if (user) lines.push(user);
          lines.push('EXPOSE 3000', 'CMD ["node", "server.js"]');
          const source = render(lines, [{ ...n, split: false }], crlf);
          const result = transform(source, {}, INSTALL_CONTEXT);
          if (!result.changed) return true;
          for (const line of result.output.split(/\r?\n/)) {
            if (/^run mkdir/i.test(line)) expect(line).toMatch(/^run mkdir -p( \/[\w./-]+)+$/i);
            if (/\bprune\b/.test(line))
              expect(line).toMatch(
                /^run (npm prune --omit=dev|pnpm prune --prod|yarn install .*)$/i,
              );
            if (/--frozen-lockfile|--immutable/.test(line))
              expect(line).toMatch(/install|\bi\b|^run yarn/i);
          }
          expect(
            validateOutput(result.output, { shellLess: result.finalHasShell === false }),
          ).toEqual([]);
          return true;
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.FAST_CHECK_SEED ?? 20261202) },
    );
  });
});
