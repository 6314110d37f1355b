import { transform } from '../../src';
import { programOf } from '../../src/common/image-runs';
import { mountsOfService, runsOfService } from '../../src/cli/compose';
import type { BuildContext, ImageRun } from '../../src/types';

const GO_DF =
  'FROM golang:1.27\nWORKDIR /app\nCOPY . .\nRUN go build -o server .\nEXPOSE 8080\nCMD ["./server"]\n';
const GO_CONTEXT: BuildContext = {
  paths: ['go.mod', 'main.go'],
  files: {
    'go.mod': 'module example.com/app\n\ngo 1.27\n',
    'main.go':
      'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
  },
};
const NODE_DF = 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';
const NODE_CONTEXT: BuildContext = {
  paths: ['package.json', 'package-lock.json', 'server.js'],
  files: {
    'package.json': JSON.stringify({ name: 'a', dependencies: {} }),
    'package-lock.json': JSON.stringify({ name: 'a', lockfileVersion: 3, packages: {} }),
    'server.js': 'require("http").createServer((q, r) => r.end("ok")).listen(3000);\n',
  },
};

const service = (settings: Record<string, unknown>) =>
  runsOfService('docker-compose.yml, service app', settings);
const withRuns = (context: BuildContext, runs: ImageRun[]): BuildContext => ({ ...context, runs });

describe('compose services that run something in the image (common/compose-run)', () => {
  it('rewrites a Go image whose service starts the same binary by a relative path', () => {
    const r = transform(GO_DF, {}, withRuns(GO_CONTEXT, service({ command: './server --debug' })));
    expect(r.changed).toBe(true);
    expect(r.output).toContain('CMD ["/app/server"]');
  });

  it('refuses a Go image whose service runs go run, which distroless does not have', () => {
    const r = transform(GO_DF, {}, withRuns(GO_CONTEXT, service({ command: 'go run main.go' })));
    expect(r.changed).toBe(false);
    expect(r.skipped?.rule).toBe('common/compose-run');
    expect(r.skipped?.class).toBe('unsafe');
    expect(r.skipped?.reason).toBe(
      'docker-compose.yml, service app runs go in the image (`command: go run main.go`), and the final image is made to run /app/server only',
    );
  });

  it('refuses a health check that runs curl, and allows one that is disabled or NONE', () => {
    const curl = service({ healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost:8080'] } });
    const r = transform(GO_DF, {}, withRuns(GO_CONTEXT, curl));
    expect(r.skipped?.rule).toBe('common/compose-run');
    expect(r.skipped?.reason).toContain('runs curl in the image');
    const disabled = service({ healthcheck: { test: ['CMD', 'curl', 'x'], disable: true } });
    expect(disabled).toEqual([]);
    expect(service({ healthcheck: { test: ['NONE'] } })).toEqual([]);
  });

  it('reads a CMD-SHELL or string health check as a shell, which a static image does not have', () => {
    expect(service({ healthcheck: { test: 'wget -q -O- localhost:8080' } })[0].command).toEqual([
      '/bin/sh',
      '-c',
      'wget -q -O- localhost:8080',
    ]);
    const r = transform(
      GO_DF,
      {},
      withRuns(GO_CONTEXT, service({ healthcheck: { test: ['CMD-SHELL', '/app/server -check'] } })),
    );
    expect(r.skipped?.reason).toContain('runs /bin/sh in the image');
    const exec = transform(
      GO_DF,
      {},
      withRuns(GO_CONTEXT, service({ healthcheck: { test: ['CMD', '/app/server', '-check'] } })),
    );
    expect(exec.changed).toBe(true);
  });

  it('refuses a node command under distroless, whose ENTRYPOINT is node itself', () => {
    const runs = service({ command: 'node server.js' });
    const r = transform(NODE_DF, {}, withRuns(NODE_CONTEXT, runs));
    expect(r.skipped?.rule).toBe('common/compose-run');
    expect(r.skipped?.reason).toBe(
      "docker-compose.yml, service app runs `command: node server.js` under the image's ENTRYPOINT, which the rewrite changes from docker-entrypoint.sh to /nodejs/bin/node",
    );
    // The slim image keeps docker-entrypoint.sh and node on PATH: the same command runs there.
    const slim = transform(NODE_DF, { target: 'slim' }, withRuns(NODE_CONTEXT, runs));
    expect(slim.changed).toBe(true);
    // npm is another program: the slim image has it (and package.json is in the app folder)...
    const npm = withRuns(NODE_CONTEXT, service({ command: 'npm start' }));
    expect(transform(NODE_DF, { target: 'slim' }, npm).changed).toBe(true);
    // ...while distroless does not.
    expect(transform(NODE_DF, {}, npm).skipped?.reason).toMatch(/under the image's ENTRYPOINT/);
    const npmEntry = withRuns(NODE_CONTEXT, service({ entrypoint: ['npm'], command: ['start'] }));
    expect(transform(NODE_DF, {}, npmEntry).skipped?.reason).toContain('runs npm in the image');
  });

  it('checks a service entrypoint against the final program, not the ENTRYPOINT it replaces', () => {
    const own = service({ entrypoint: ['/nodejs/bin/node'], command: ['server.js'] });
    expect(transform(NODE_DF, {}, withRuns(NODE_CONTEXT, own)).changed).toBe(true);
    const shell = service({ entrypoint: 'sh -c', command: 'node server.js' });
    expect(transform(NODE_DF, {}, withRuns(NODE_CONTEXT, shell)).skipped?.reason).toContain(
      'runs sh in the image (`entrypoint: sh -c, command: node server.js`)',
    );
  });

  it('leaves --harden alone: the final image stays the file’s own', () => {
    const multi =
      'FROM node:22 AS b\nRUN true\nFROM node:22-slim\nCOPY --from=b /a /a\nCMD ["node", "/a/x.js"]\n';
    const r = transform(
      multi,
      { harden: true },
      withRuns(NODE_CONTEXT, service({ command: 'npm start' })),
    );
    expect(r.changed).toBe(true);
  });
});

describe('programOf', () => {
  it('looks past the entrypoint script and inits, and resolves paths against the folder', () => {
    expect(programOf(['docker-entrypoint.sh', 'npm', 'start'], '/app')).toBe('npm');
    expect(programOf(['docker-entrypoint.sh', '--inspect', 'x.js'], '/app')).toBe('node');
    expect(programOf(['/sbin/tini', '-s', '--', './bin/app'], '/srv')).toBe('/srv/bin/app');
    // tini -p takes a value: SIGTERM is not the program.
    expect(programOf(['tini', '-p', 'SIGTERM', '/app/server'], '/')).toBe('/app/server');
    expect(programOf(['server'], '/app')).toBe('server');
    expect(programOf([], '/app')).toBeNull();
  });
});

describe('bind mounts of a container that no longer runs as root (common/bind-mount-owner)', () => {
  const volumes = (v: unknown[]) =>
    mountsOfService('docker-compose.yml, service app', { volumes: v });

  it('reads writable bind mounts and leaves out named volumes and read-only ones', () => {
    expect(
      volumes([
        './data:/app/data',
        'cache:/app/cache',
        './config.json:/app/config.json:ro',
        { type: 'bind', source: '/srv/uploads', target: '/app/uploads' },
        { type: 'bind', source: './keys', target: '/app/keys', read_only: true },
        { type: 'volume', source: 'db', target: '/var/lib/db' },
        '${PWD}/logs:/app/logs:rw',
      ]).map((m) => `${m.host} -> ${m.target}`),
    ).toEqual(['./data -> /app/data', '/srv/uploads -> /app/uploads', '${PWD}/logs -> /app/logs']);
  });

  it('warns when the root container becomes a non-root one, with the chown to run', () => {
    const r = transform(NODE_DF, {}, { ...NODE_CONTEXT, mounts: volumes(['./data:/app/data']) });
    expect(r.changed).toBe(true);
    expect(r.warnings.filter((w) => w.rule === 'common/bind-mount-owner')).toEqual([
      {
        rule: 'common/bind-mount-owner',
        reason:
          'docker-compose.yml, service app mounts ./data at /app/data, which root could always write: the app now runs as 65532:65532, so if it writes there, make the host path writable by uid 65532 (chown 65532 ./data); Docker creates a missing one owned by root',
      },
    ]);
  });

  it('says nothing when the original already ran as a non-root user', () => {
    const asNode = NODE_DF.replace('CMD', 'USER node\nCMD');
    const r = transform(asNode, {}, { ...NODE_CONTEXT, mounts: volumes(['./data:/app/data']) });
    expect(r.changed).toBe(true);
    expect(r.warnings.map((w) => w.rule)).not.toContain('common/bind-mount-owner');
  });
});
