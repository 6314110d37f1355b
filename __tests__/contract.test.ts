import { checkContract, contractOf, normalizeArgv } from '../src/contract';
import type { ImageDefaults } from '../src/types';
import { parseDockerfile, stagesOf } from '../src/dockerfile/parse';
import type { Note } from '../src/types';

const NODE_IMAGE: ImageDefaults = {
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['node'],
  workdir: '/',
  user: '',
};
const DISTROLESS: ImageDefaults = {
  entrypoint: ['/nodejs/bin/node'],
  cmd: null,
  workdir: '/home/nonroot',
  user: '65532',
};

function lastStage(text: string, image: ImageDefaults) {
  const doc = parseDockerfile(text);
  const stages = stagesOf(doc);
  return contractOf(doc, stages[stages.length - 1], image);
}

const ORIGINAL = [
  'FROM node:22',
  'ENV NODE_ENV=production PORT=3000',
  'WORKDIR /app',
  'COPY . .',
  'LABEL org.opencontainers.image.source=https://example.com/repo',
  'EXPOSE 3000',
  'VOLUME /app/data',
  'STOPSIGNAL SIGINT',
  'CMD ["npm", "start"]',
  '',
].join('\n');
const GOOD_FINAL = [
  'FROM gcr.io/distroless/nodejs22-debian13:nonroot',
  'ENV NODE_ENV=production PORT=3000',
  'WORKDIR /app',
  'USER 65532:65532',
  'LABEL org.opencontainers.image.source=https://example.com/repo',
  'EXPOSE 3000',
  'VOLUME /app/data',
  'STOPSIGNAL SIGINT',
  'CMD ["server.js"]',
  '',
];
const RESOLVED = ['node', 'server.js'];
const USER_NOTE: Note = { rule: 'common/nonroot-user', reason: 'runs as 65532:65532' };

function differences(finalLines: string[], notes: Note[] = [USER_NOTE]) {
  const before = lastStage(ORIGINAL, NODE_IMAGE);
  const after = lastStage(finalLines.join('\n'), DISTROLESS);
  return checkContract(before, after, RESOLVED, notes).map((d) => d.field);
}

describe('runtime contract', () => {
  it('reads what a stage runs, with the base image underneath', () => {
    expect(lastStage(ORIGINAL, NODE_IMAGE)).toEqual({
      argv: ['docker-entrypoint.sh', 'npm', 'start'],
      env: { NODE_ENV: 'production', PORT: '3000' },
      workdir: '/app',
      expose: ['3000/tcp'],
      volumes: ['/app/data'],
      labels: { 'org.opencontainers.image.source': 'https://example.com/repo' },
      stopSignal: 'SIGINT',
      healthcheck: null,
      user: '',
    });
  });

  it('accepts a final stage that keeps everything, with the user change explained', () => {
    expect(differences(GOOD_FINAL)).toEqual([]);
  });

  it('rejects a user change no rule explains', () => {
    expect(differences(GOOD_FINAL, [])).toEqual(['user']);
  });

  it.each([
    [
      'node doubled by a CMD that repeats the ENTRYPOINT',
      'CMD ["server.js"]',
      'CMD ["node", "server.js"]',
      'argv',
    ],
    ['a start script argument lost', 'CMD ["server.js"]', 'CMD ["server.js", "--cluster"]', 'argv'],
    [
      'an ENV value changed',
      'ENV NODE_ENV=production PORT=3000',
      'ENV NODE_ENV=production PORT=8080',
      'env:PORT',
    ],
    ['an ENV dropped', 'ENV NODE_ENV=production PORT=3000', 'ENV NODE_ENV=production', 'env:PORT'],
    ['another WORKDIR', 'WORKDIR /app', 'WORKDIR /srv', 'workdir'],
    ['a port lost', 'EXPOSE 3000', 'EXPOSE 8080', 'expose'],
    ['a volume lost', 'VOLUME /app/data', 'VOLUME /data', 'volumes'],
    [
      'a label lost',
      'LABEL org.opencontainers.image.source=https://example.com/repo',
      'LABEL a=b',
      'labels',
    ],
    ['another stop signal', 'STOPSIGNAL SIGINT', 'STOPSIGNAL SIGTERM', 'stopSignal'],
  ])('rejects %s', (_name, from, to, field) => {
    const lines = GOOD_FINAL.map((l) => (l === from ? to : l));
    expect(differences(lines)).toEqual([field]);
  });

  it('accepts the original command kept as it was (slim with npm start)', () => {
    const lines = GOOD_FINAL.map((l) => (l === 'CMD ["server.js"]' ? 'ENTRYPOINT []' : l));
    lines.push('CMD ["npm", "start"]');
    const before = lastStage(ORIGINAL, NODE_IMAGE);
    const after = lastStage(lines.join('\n'), NODE_IMAGE);
    expect(checkContract(before, after, RESOLVED, [USER_NOTE]).map((d) => d.field)).toEqual([]);
  });

  it('lets a rule explain only the fields it is allowed to change', () => {
    const npm: Note = { rule: 'node/npm-environment', reason: 'npm_package_version kept' };
    const withNpm = GOOD_FINAL.map((l) =>
      l.startsWith('ENV ') ? `${l} npm_package_version=1.0.0` : l,
    );
    expect(differences(withNpm, [USER_NOTE, npm])).toEqual([]);
    const withHost = GOOD_FINAL.map((l) => (l.startsWith('ENV ') ? `${l} HOST=0.0.0.0` : l));
    expect(differences(withHost, [USER_NOTE, npm])).toEqual(['env:HOST']);
  });

  it.each([
    [
      ['docker-entrypoint.sh', 'node', 'x.js'],
      ['node', 'x.js'],
    ],
    [
      ['/nodejs/bin/node', 'x.js'],
      ['node', 'x.js'],
    ],
    [
      ['/usr/bin/dumb-init', '--', '/usr/bin/node', 'x.js'],
      ['dumb-init', '--', 'node', 'x.js'],
    ],
    [
      ['/app/server', '-port', '/srv/data'],
      ['server', '-port', '/srv/data'],
    ],
  ])('normalizes %j', (argv, want) => {
    expect(normalizeArgv(argv)).toEqual(want);
  });
});
