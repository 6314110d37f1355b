import fs from 'fs';
import { lowPortBindFailure } from '../../src/verify/verify';
import path from 'path';
import { run } from '../../src/cli/run';
import { formatReport } from '../../src/cli/verify';
import { NO_COLORS } from '../../src/cli/colors';
import { makeIo, makeTree, NODE_APP } from '../helpers/cli';

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

  it('prints sizes, layer tables and each check with pass or FAIL', () => {
    const text = formatReport(
      {
        checks: [
          { name: 'same responses', pass: true, detail: '2 paths' },
          { name: 'no shell', pass: false, detail: '/bin/sh ran' },
        ],
        before: {
          tag: 'x:before',
          sizeBytes: 708_400_000,
          history: [{ size: '4.4MB', createdBy: 'RUN npm install' }],
        },
        after: {
          tag: 'x:after',
          sizeBytes: 152_000_000,
          history: [{ size: '2.3MB', createdBy: 'COPY /app /app' }],
        },
      },
      NO_COLORS,
    );
    expect(text).toContain('before: x:before 708.4 MB');
    expect(text).toContain('after: x:after 152.0 MB');
    expect(text).toContain('    4.4MB     RUN npm install');
    expect(text).toContain('  pass same responses: 2 paths');
    expect(text).toContain('  FAIL no shell: /bin/sh ran');
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
