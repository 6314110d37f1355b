import fs from 'fs';
import { lowPortBindFailure } from '../../src/verify/verify';
import path from 'path';
import { run } from '../../src/cli/run';
import Ajv2020 from 'ajv/dist/2020';
import { formatReport, toVerifyJson, VerifyEntry, verifyMarkdown } from '../../src/cli/verify';
import type { VerifyReport } from '../../src/verify/verify';
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
