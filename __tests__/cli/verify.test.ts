import fs from 'fs';
import { lowPortBindFailure } from '../../src/verify/verify';
import path from 'path';
import { run } from '../../src/cli/run';
import Ajv2020 from 'ajv/dist/2020';
import {
  formatReport,
  observationLines,
  toVerifyJson,
  VerifyEntry,
  verifyMarkdown,
} from '../../src/cli/verify';
import type { ObservationReport, VerifyReport } from '../../src/verify/verify';
import verifySchema from '../../schema/verify.schema.json';
import { NO_COLORS } from '../../src/cli/colors';
import { makeIo, makeTree, NODE_APP } from '../helpers/cli';

const REPORT: VerifyReport = {
  checks: [
    { name: 'same responses', pass: true, detail: '2 paths' },
    { name: 'no shell', pass: false, detail: '/bin/sh ran' },
  ],
  before: {
    tag: 'x:before',
    sizeBytes: 708_400_000,
    layers: 9,
    history: [{ size: '4.4MB', createdBy: 'RUN npm install' }],
    user: '',
    uid: 0,
    surface: {
      packages: { count: 412, databases: ['/var/lib/dpkg/status'] },
      shells: ['/usr/bin/bash', '/usr/bin/dash', '/usr/bin/sh'],
      setuid: ['/usr/bin/chfn', '/usr/bin/passwd'],
      setgid: ['/usr/bin/chage'],
      files: 23104,
    },
  },
  after: {
    tag: 'x:after',
    sizeBytes: 152_000_000,
    layers: 4,
    history: [{ size: '2.3MB', createdBy: 'COPY /app /app' }],
    user: '65532:65532',
    uid: 65532,
    processUids: ['65532'],
    surface: {
      packages: { count: null, databases: [] },
      shells: [],
      setuid: [],
      setgid: [],
      files: 812,
    },
  },
};

const FAILED_ENTRY: VerifyEntry = {
  path: 'Dockerfile',
  status: 'failed',
  reason: null,
  target: 'node',
  finalImage: 'gcr.io/distroless/nodejs22-debian13',
  written: false,
  report: REPORT,
};

describe('dockerize-slim verify', () => {
  it('says clearly when there is no Docker engine, and writes nothing', async () => {
    const root = makeTree(NODE_APP);
    const io = makeIo(root, { DOCKER: path.join(root, 'no-such-docker') });
    const code = await run(['verify', '--write', '.'], io, 'test');
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(
      /^dockerize-slim verify: no usable Docker engine .*start dockerd or set DOCKER\n$/,
    );
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
  });

  it('prints sizes, layer tables, the attack surface and each check with pass or FAIL', () => {
    const text = formatReport(REPORT, NO_COLORS);
    expect(text).toContain('before: x:before 708.4 MB');
    expect(text).toContain('after: x:after 152.0 MB');
    expect(text).toContain('    4.4MB     RUN npm install');
    const table = text.split('\n').filter((l) => /^ {4}[A-Za-z]/.test(l) && !/^ {4}SIZE/.test(l));
    expect(table).toEqual([
      '    ATTACK SURFACE       BEFORE                      AFTER',
      '    size                 708.4 MB                    152.0 MB',
      '    layers               9                           4',
      '    OS packages          412 (/var/lib/dpkg/status)  no package database',
      '    shells               bash, dash, sh              none',
      '    setuid/setgid files  3                           0',
      '    files                23104                       812',
      '    runs as              uid 0 (USER unset)          uid 65532 (USER 65532:65532)',
    ]);
    expect(text).toContain('  pass same responses: 2 paths');
    expect(text).toContain('  FAIL no shell: /bin/sh ran');
  });

  it('says when an image could not be read rather than showing zeros', () => {
    const text = formatReport(
      {
        checks: [],
        before: {
          ...REPORT.before!,
          surface: null,
          uid: null,
          surfaceError: 'docker export failed: x',
        },
      },
      NO_COLORS,
    );
    expect(text).toMatch(/OS packages +\? +-/);
    expect(text).toContain('(x:before: surface not read: docker export failed: x)');
  });

  it('JSON follows schema/verify.schema.json and counts each status', () => {
    const doc = toVerifyJson([
      FAILED_ENTRY,
      {
        path: 'go/Dockerfile',
        status: 'nothing-to-verify',
        reason: 'skipped: x',
        target: null,
        finalImage: null,
        written: false,
        report: null,
      },
    ]);
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(verifySchema);
    expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
    expect(doc.summary).toEqual({ files: 2, passed: 0, failed: 1, nothingToVerify: 1, errors: 0 });
    const broken = JSON.parse(JSON.stringify(doc));
    delete broken.files[0].report.after.surface.files;
    expect(validate(broken)).toBe(false);
  });

  it('the markdown report has the surface table and the checks of each file', () => {
    const md = verifyMarkdown([FAILED_ENTRY]);
    expect(md).toContain('1 Dockerfile(s): 0 passed, 1 failed, 0 nothing to verify, 0 error(s).');
    expect(md).toContain('| shells | bash, dash, sh | none |');
    expect(md).toContain('| runs as | uid 0 (USER unset) | uid 65532 (USER 65532:65532) |');
    expect(md).toContain('| no shell | **FAIL** | /bin/sh ran |');
  });

  it('refuses output formats that only rewrites have', async () => {
    const root = makeTree(NODE_APP);
    const io = makeIo(root, { DOCKER: path.join(root, 'no-such-docker') });
    expect(await run(['verify', '--format', 'sarif', '.'], io, 'test')).toBe(2);
    expect(io.err.join('')).toBe(
      'dockerize-slim verify: --format sarif applies to rewrites; verify writes text or json\n',
    );
  });

  it('claims nothing when the original does not build', () => {
    const text = formatReport(
      {
        checks: [],
        error: 'the original Dockerfile does not build, so nothing can be compared: x',
      },
      NO_COLORS,
    );
    expect(text).toContain('error the original Dockerfile does not build');
  });
});

describe('lowPortBindFailure', () => {
  it.each([
    ['Error: listen EACCES: permission denied 0.0.0.0:80', 80],
    ['listen tcp :443: bind: permission denied', 443],
    ['2026/12/01 nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)', 80],
    ['Error: listen EACCES: permission denied 0.0.0.0:8080', null],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', null],
  ])('%s', (line, port) => {
    expect(lowPortBindFailure(`starting\n${line}\n`)).toBe(port);
  });
});

const OBSERVATION: ObservationReport = {
  start: ['node', '/usr/local/bin/npm', 'start'],
  app: ['node', 'server.js'],
  processes: 3,
  rows: [
    {
      kind: 'mkdir',
      subject: '/app/var',
      count: 2,
      by: 'node server.js',
      original: 'made 2 paths, e.g. /app/var/visits',
      rewrite: 'cannot create: /app (0:0 0755) cannot be written or searched',
      verdict: 'mismatch',
      rule: 'node/writable-paths',
      fix: 'make /app/var owned by 65532:65532',
    },
    {
      kind: 'bind',
      subject: 'tcp :80',
      count: 1,
      by: 'node server.js',
      original: 'bound [::]:80',
      rewrite: '65532 may bind ports below 1024 only where ...',
      verdict: 'warning',
    },
    {
      kind: 'read',
      subject: '/app/node_modules/',
      count: 204,
      by: 'node server.js',
      original: 'read 204 paths',
      rewrite: 'readable by 65532',
      verdict: 'ok',
    },
    {
      kind: 'exec',
      subject: 'node /usr/local/bin/npm start',
      count: 237,
      by: 'node /usr/local/bin/npm start',
      original: 'exec 3, read 227, write 7',
      rewrite: 'not run: the rewrite starts /nodejs/bin/node server.js itself',
      verdict: 'launcher',
    },
  ],
  mismatches: 1,
  warnings: 1,
  byKind: { mkdir: 1 },
  needs: {
    keepPaths: [],
    ownPaths: [],
    makePaths: ['/app/var/'],
    osPackages: [],
    programs: [],
    devDependencies: [],
    evidence: { '/app/var/': 'made 2 paths, e.g. /app/var/visits' },
  },
  unfixable: [],
};

const OBSERVED_ENTRY: VerifyEntry = {
  ...FAILED_ENTRY,
  status: 'passed',
  written: true,
  report: {
    ...REPORT,
    observation: {
      ...OBSERVATION,
      rows: OBSERVATION.rows.slice(1),
      mismatches: 0,
      byKind: {},
      needs: { ...OBSERVATION.needs!, makePaths: [] },
    },
  },
  feedback: {
    observation: OBSERVATION,
    edits: [
      {
        rule: 'common/observed-needs',
        reason:
          'from observation: the original made 2 paths, e.g. /app/var/visits at run time, ...',
      },
    ],
    skipped: null,
    verified: true,
  },
};

describe('dockerize-slim verify --observe', () => {
  it('prints the observation table, mismatches first, with the rule that dropped each and its fix', () => {
    const lines = observationLines(OBSERVATION, NO_COLORS);
    expect(lines[0]).toBe(
      "    OBSERVED: the original from its first instruction (node /usr/local/bin/npm start), 3 process(es); the rewrite's start is node server.js there",
    );
    expect(lines[1]).toMatch(/^ {4}KIND +PATH OR PROGRAM +ORIGINAL +REWRITE +VERDICT$/);
    expect(lines[2]).toMatch(/^ {4}mkdir +\/app\/var +made 2 paths.* +MISMATCH$/);
    expect(lines[3]).toBe(
      '      /app/var: made 2 paths, e.g. /app/var/visits; cannot create: /app (0:0 0755) cannot be written or searched; dropped by node/writable-paths; make /app/var owned by 65532:65532',
    );
    expect(
      lines.some((l) =>
        /read +\/app\/node_modules\/ +read 204 paths +readable by 65532 +ok/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /launcher$/.test(l))).toBe(true);
  });

  it('says when nothing was observed, and why', () => {
    expect(
      observationLines(
        {
          skipped: 'strace is not installed',
          rows: [],
          mismatches: 0,
          warnings: 0,
          byKind: {},
          needs: null,
          unfixable: [],
        },
        NO_COLORS,
      ),
    ).toEqual(['    observe: not observed: strace is not installed']);
  });

  it('JSON with an observation and its feedback follows the schema', () => {
    const doc = toVerifyJson([OBSERVED_ENTRY]);
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(verifySchema);
    expect(validate(JSON.parse(JSON.stringify(doc)))).toBe(true);
    const broken = JSON.parse(JSON.stringify(doc));
    broken.files[0].feedback.observation.rows[0].verdict = 'fine';
    expect(validate(broken)).toBe(false);
  });

  it('the markdown report shows what was fed back and both observation tables', () => {
    const md = verifyMarkdown([OBSERVED_ENTRY]);
    expect(md).toContain(
      'Observation found 1 need(s) the static rewrite lacked; fed back and verified:',
    );
    expect(md).toContain('- `common/observed-needs`: from observation: the original made 2 paths');
    expect(md).toContain('against the static rewrite: 1 mismatch(es), 1 warning(s).');
    expect(md).toContain(
      '| mkdir | `/app/var` | made 2 paths, e.g. /app/var/visits | cannot create: /app (0:0 0755) cannot be written or searched | **mismatch** (node/writable-paths): make /app/var owned by 65532:65532 |',
    );
    expect(md).toContain('against the rewrite written: 0 mismatch(es), 1 warning(s).');
  });

  it('where it cannot observe, says so in one line and verifies without observing', async () => {
    const root = makeTree(NODE_APP);
    // A docker that answers but builds nothing: verify stops at the original's build.
    const fake = path.join(root, 'fake-docker');
    fs.writeFileSync(
      fake,
      '#!/bin/sh\ncase "$1" in version) echo 20.10;; build) echo "fake build failure" >&2; exit 1;; *) exit 1;; esac\n',
      { mode: 0o755 },
    );
    const io = makeIo(root, { DOCKER: fake, DOCKER_HOST: 'tcp://builder.example:2376' });
    const code = await run(['verify', '--observe', '--write', '--port', '3000', '.'], io, 'test');
    expect(code).toBe(2);
    expect(io.err.join('')).toContain(
      'dockerize-slim verify: --observe: cannot observe here: the Docker engine is at DOCKER_HOST=tcp://builder.example:2376, not on this machine, where strace could reach its processes; verifying without observation\n',
    );
    expect(io.out.join('')).toContain('the original Dockerfile does not build');
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toBe(NODE_APP.Dockerfile);
  });
});
