import { parseCases, TrialRow } from '../scripts/trial/cases';
import {
  classifyBuildFailure,
  firstErrorLine,
  lastLogLine,
  missingTagFailure,
  normalizeBody,
  programOutput,
} from '../scripts/trial/classify';
import { defaultOut } from '../scripts/trial/main';
import { batchMarkdown, totalsOf } from '../scripts/trial/report';
import {
  BODY_DIFFERS_BETWEEN_BUILDS,
  bodiesVaryingBetweenBuilds,
  bodyDifferences,
  byStatusOn,
  compareRuns,
  comparisonNetwork,
} from '../scripts/trial/compare';
import type { RunOutcome } from '../scripts/trial/cases';
import {
  fromImages,
  nodeMajorOfTag,
  standInFor,
  withoutSyntaxDirective,
} from '../scripts/trial/stand-ins';

const AVAILABLE = new Set([
  'node:22',
  'node:22-slim',
  'node:24',
  'node:24-slim',
  'node:26',
  'node:26-slim',
  'golang:1.26',
  'golang:1.27',
  'gcr.io/distroless/nodejs22-debian13:nonroot',
  'gcr.io/distroless/static-debian13:nonroot',
  'nginx:alpine',
]);

describe('trial stand-ins', () => {
  it.each([
    ['node:18', 'node:22'],
    ['node:18-alpine', 'node:22-slim'],
    ['node:20.11-bookworm-slim', 'node:22-slim'],
    ['node:24', 'node:24'],
    ['node:25', 'node:26'],
    ['node', 'node:26'],
    ['node:lts', 'node:24'],
    ['docker.io/library/node:16', 'node:22'],
    ['golang:1.19', 'golang:1.26'],
    ['golang:1.27-alpine', 'golang:1.27'],
    ['golang:alpine', 'golang:1.27'],
    ['gcr.io/distroless/nodejs20-debian12:nonroot', 'gcr.io/distroless/nodejs22-debian13:nonroot'],
    ['nginx:1.25-alpine', 'nginx:alpine'],
  ])('%s -> %s', (ref, image) => {
    expect(standInFor(ref, AVAILABLE)?.image).toBe(image);
  });

  // A floating tag means what it points to today (templates/facts/images.json
  // tags.node.floating.*.now: lts 24, latest and current 26), and its variants mean the same major.
  it.each([
    ['node:lts', 24],
    ['node:lts-slim', 24],
    ['node:lts-alpine', 24],
    ['node:lts-bookworm-slim', 24],
    ['node:current', 26],
    ['node:current-alpine3.22', 26],
    ['node:latest', 26],
    ['node:slim', 26],
    ['node:bookworm', 26],
    ['node:iron', 20],
    ['node:iron-slim', 20],
    ['node:lts-iron', 20],
    ['node:hydrogen-alpine', 18],
    ['node:20.11.1-bookworm-slim', 20],
    ['node:0.12', 0],
  ])('node tag %s means Node %i', (ref, major) => {
    expect(nodeMajorOfTag(ref.slice('node:'.length))).toBe(major);
  });

  // Each row is a builder and the final stage a rewrite gives it: one comparison, one Node major.
  it.each([
    ['node:lts', 'node:lts-slim', 'node:24', 'node:24-slim'],
    ['node:lts-alpine', 'node:lts-alpine', 'node:24-slim', 'node:24-slim'],
    ['node:current', 'node:current-slim', 'node:26', 'node:26-slim'],
    ['node:latest', 'node:slim', 'node:26', 'node:26-slim'],
    ['node:iron', 'node:iron-slim', 'node:22', 'node:22-slim'],
    [
      'node:hydrogen-alpine',
      'gcr.io/distroless/nodejs18-debian12:nonroot',
      'node:22-slim',
      'gcr.io/distroless/nodejs22-debian13:nonroot',
    ],
    ['node:20-bookworm', 'node:20-bookworm-slim', 'node:22', 'node:22-slim'],
  ])('builder %s and final %s -> %s and %s', (builder, final, builderImage, finalImage) => {
    expect([standInFor(builder, AVAILABLE)?.image, standInFor(final, AVAILABLE)?.image]).toEqual([
      builderImage,
      finalImage,
    ]);
  });

  it.each(['node:lastest', 'node:lts-slimm', 'node:latest-slim', 'node:18-stretch', 'golang:1.30'])(
    '%s never existed: no stand-in',
    (ref) => expect(standInFor(ref, AVAILABLE)).toBeNull(),
  );

  it.each(['ubuntu:22.04', 'python:3.12', 'mcr.microsoft.com/devcontainers/go'])(
    '%s has none',
    (ref) => expect(standInFor(ref, AVAILABLE)).toBeNull(),
  );

  it('says what a stand-in changes', () => {
    expect(standInFor('node:18-alpine', AVAILABLE)?.note).toBe('Node 18 -> 22, Debian for Alpine');
  });

  it('reads FROM images, ARG defaults expanded and stage names left out', () => {
    expect(
      fromImages(
        'ARG NODE=20\nFROM node:${NODE}-slim AS build\nRUN x\nFROM build AS final\nFROM --platform=$BUILDPLATFORM golang:1.22\nFROM scratch\n',
      ),
    ).toEqual(['node:20-slim', 'golang:1.22']);
  });

  it('drops a # syntax= directive and keeps the rest of the file', () => {
    expect(withoutSyntaxDirective('# syntax=docker/dockerfile:1\nFROM node:22\n')).toEqual({
      text: 'FROM node:22\n',
      removed: true,
    });
    expect(withoutSyntaxDirective('FROM node:22\n# syntax=x\n').removed).toBe(false);
  });
});

describe('trial classification', () => {
  it.each([
    [
      'go: downloading github.com/gin-gonic/gin v1.9.1\ndial tcp: lookup proxy.golang.org',
      'network-go-proxy',
    ],
    ['/bin/sh: 1: apk: not found', 'alpine-stand-in'],
    ['/bin/sh: 1: yarn: not found', 'package-manager-not-in-image'],
    ['ERROR: failed to compute cache key: "/dist": not found', 'missing-file'],
    ['npm error code E404\nnpm error 404 Not Found', 'npm-install'],
    ['something odd', 'other'],
  ])('%s', (stderr, cls) => expect(classifyBuildFailure(stderr).class).toBe(cls));

  it.each([
    ['node:lastest', 'tag-does-not-exist'],
    ['node:18-stretch', 'tag-does-not-exist'],
    ['node:latest-slim', 'tag-does-not-exist'],
    ['golang:1.30-alpine', 'tag-does-not-exist'],
    ['node:lts', null],
    ['node:lts-alpine3.22', null],
    ['golang:1.22-bookworm', null],
    ['ubuntu:lastest', null],
    ['registry.example.com/node:lastest', null],
  ])('FROM %s: %s', (image, cls) => {
    expect(missingTagFailure([image])?.class ?? null).toBe(cls);
  });

  it('names the first FROM image whose tag never existed', () => {
    expect(missingTagFailure(['golang:1.27', 'node:lastest', 'golang:1.30'])?.detail).toMatch(
      /^FROM node:lastest: /,
    );
  });

  it('prefers the line that names the cause over warnings that say "error"', () => {
    expect(
      firstErrorLine(
        '(node:6) [DEP0169] DeprecationWarning: prone to errors\nError: error:0308010C:digital envelope routines::unsupported\n  code: ERR_OSSL_EVP_UNSUPPORTED',
      ),
    ).toBe('Error: error:0308010C:digital envelope routines::unsupported');
  });

  it('names why a container stopped, not the last line of the stack', () => {
    expect(
      lastLogLine(
        'node:internal/modules/run_main:123\nError: getaddrinfo ENOTFOUND db\n    at x (y.js:1:1) {\n  fatal: true\n}\n',
      ),
    ).toBe('Error: getaddrinfo ENOTFOUND db');
  });

  it('normalises dates, ids and hashes out of a body', () => {
    expect(
      normalizeBody(
        'built 2026-12-02T10:11:12Z as main.3f2a1b9c.js id 5f0e7c1a-0000-4000-8000-000000000000',
      ),
    ).toBe('built <date> as main.<hash>.js id <uuid>');
  });
});

describe('trial comparison', () => {
  const answers = (status: number, body = 'b') => [{ path: '/', status, body }];
  it.each([
    ['same answers', { state: 'answers', port: 3000, answers: answers(200) }, true],
    ['another status', { state: 'answers', port: 3000, answers: answers(500) }, false],
    ['another port', { state: 'answers', port: 3001, answers: answers(200) }, false],
    ['exits', { state: 'exits', exitCode: 1 }, false],
    ['an unstable body', { state: 'answers', port: 3000, answers: answers(200, 'unstable') }, true],
  ] as const)('%s', (_name, rewrite, same) => {
    expect(
      compareRuns({ state: 'answers', port: 3000, answers: answers(200) }, { ...rewrite }).same,
    ).toBe(same);
  });
});

describe('trial network for the comparison', () => {
  it.each([
    ['the original answers on 80 with host networking', { state: 'answers', port: 80 }, 'netns'],
    ['the original answers on 1023', { state: 'answers', port: 1023 }, 'netns'],
    ['the original answers on 1024', { state: 'answers', port: 1024 }, 'host'],
    ['the original answers on 3000', { state: 'answers', port: 3000 }, 'host'],
    [
      'the original was itself denied its low port and answered in the namespace',
      { state: 'answers', port: 80, netns: true },
      'netns',
    ],
    ['the original stays up and listens on nothing', { state: 'up' }, 'host'],
  ] as const)('%s: %s', (_name, original, network) => {
    expect(comparisonNetwork({ ...original })).toBe(network);
  });

  // What the rewrite prints cannot decide: a Go server that ignores ListenAndServe's error exits 0
  // without a word under host networking, and answers like its original in the namespace.
  it('a rewrite that exits 0 silently on host networking is not what decides', () => {
    const original = {
      state: 'answers',
      port: 80,
      answers: [{ path: '/', status: 200, body: 'b' }],
    };
    const silentExit = { state: 'exits', exitCode: 0, log: '', output: 'e3b0c44298fc' } as const;
    expect(compareRuns({ ...original, state: 'answers' }, silentExit).same).toBe(false);
    expect(comparisonNetwork({ ...original, state: 'answers' })).toBe('netns');
    expect(
      compareRuns(
        { ...original, state: 'answers', netns: true },
        { ...original, state: 'answers', netns: true },
      ).same,
    ).toBe(true);
  });
});

describe('trial bodies that differ between two builds of the original', () => {
  const run = (port: number, ...answers: Array<[string, number, string]>): RunOutcome => ({
    state: 'answers',
    port,
    answers: answers.map(([path, status, body]) => ({ path, status, body })),
  });

  it.each([
    ['the same body', run(3000, ['/', 200, 'b1']), []],
    ['another body, same status', run(3000, ['/', 200, 'b2']), ['/']],
    ['another status', run(3000, ['/', 500, 'b2']), []],
    ['an unstable body', run(3000, ['/', 200, 'unstable']), []],
    ['another port', run(3001, ['/', 200, 'b2']), []],
    ['exits', { state: 'exits', exitCode: 0 } as RunOutcome, []],
  ])('against %s', (_name, other, paths) => {
    expect(bodyDifferences(run(3000, ['/', 200, 'b1']), other)).toEqual(paths);
  });

  // SvelteKit stamps the build time into every page: the rewrite's page differs from the
  // original's, and so does a second build of the original without cache.
  const original = run(3000, ['/', 200, 'stamp1'], ['/api', 404, 'nf']);
  const rewrite = run(3000, ['/', 200, 'stamp2'], ['/api', 404, 'nf']);

  it('a body stamped at build time is compared by status', () => {
    const again = run(3000, ['/', 200, 'stamp3'], ['/api', 404, 'nf']);
    const vary = bodiesVaryingBetweenBuilds(original, again);
    expect(vary).toEqual(['/']);
    const o = byStatusOn(original, vary);
    const r = byStatusOn(rewrite, vary);
    expect(o.answers?.map((a) => a.body)).toEqual([BODY_DIFFERS_BETWEEN_BUILDS, 'nf']);
    expect([compareRuns(original, rewrite).same, compareRuns(o, r).same]).toEqual([false, true]);
  });

  it('a body the same in two builds of the original still differs from the rewrite', () => {
    const again = run(3000, ['/', 200, 'stamp1'], ['/api', 404, 'nf']);
    const vary = bodiesVaryingBetweenBuilds(original, again);
    expect(vary).toEqual([]);
    expect(compareRuns(byStatusOn(original, vary), byStatusOn(rewrite, vary)).outcome).toBe(
      'broke-answers',
    );
  });
});

describe('trial lists and totals', () => {
  it('reads a case list and names the line of a bad case', () => {
    expect(
      parseCases('{"repo":"a/b","commit":"0123abc","dockerfile":"Dockerfile"}\n\n', 'x.jsonl'),
    ).toEqual([{ repo: 'a/b', commit: '0123abc', dockerfile: 'Dockerfile' }]);
    expect(() =>
      parseCases('{"repo":"a","commit":"0123abc","dockerfile":"D"}\n', 'x.jsonl'),
    ).toThrow(/x\.jsonl:1: "repo"/);
  });

  it('never replaces a first run: later runs get the next re-run file', () => {
    const have = new Set(['b.results.jsonl', 'b.rerun-1.results.jsonl']);
    expect(defaultOut('a.cases.jsonl', (p) => have.has(p))).toBe('a.results.jsonl');
    expect(defaultOut('b.cases.jsonl', (p) => have.has(p))).toBe('b.rerun-2.results.jsonl');
  });

  it('counts a broken rewrite only when its original works', () => {
    const row = (outcome: TrialRow['outcome'], originalOk: boolean): TrialRow => ({
      repo: 'a/b',
      commit: '0123abc',
      dockerfile: 'Dockerfile',
      tool: { status: 'changed', edits: [], warnings: [] },
      original: {
        build: { ok: originalOk, ...(originalOk ? {} : { failure: { class: 'x', detail: '' } }) },
        ...(originalOk ? { run: { state: 'answers' as const, port: 1 } } : {}),
      },
      outcome,
      detail: '',
    });
    const t = totalsOf([
      row('same', true),
      row('broke-start', true),
      row('original-does-not-build', false),
    ]);
    expect([t.working, t.same, t.broke.length, t.originalDoesNotBuild]).toEqual([2, 1, 1, 1]);
  });

  describe('with --observe', () => {
    const row = (repo: string, observation: TrialRow['observation']): TrialRow => ({
      repo,
      commit: '0123abc',
      dockerfile: 'Dockerfile',
      tool: { status: 'changed', edits: [], warnings: [] },
      original: { build: { ok: true }, run: { state: 'answers', port: 1 } },
      outcome: (observation?.mismatches ?? 0) > 0 ? 'broke-start' : 'same',
      detail: '',
      ...(observation ? { observation } : {}),
    });
    const mismatch = (kind: 'read' | 'mkdir', subject: string, rule: string) => ({
      kind,
      subject,
      count: 1,
      by: 'node server.js',
      original: 'read',
      rewrite: 'missing',
      verdict: 'mismatch' as const,
      rule,
      fix: `keep ${subject}`,
    });
    const rows = [
      row('a/fixed', {
        mismatches: 2,
        byKind: { read: 1, mkdir: 1 },
        rows: [
          mismatch('read', '/app/pages', 'go/runtime-files'),
          mismatch('mkdir', '/app/var', 'node/writable-paths'),
        ],
        unfixable: [],
        feedback: { edits: ['from observation: ...'], remaining: 0, outcome: 'same', detail: '' },
      }),
      row('a/unfixable', {
        mismatches: 1,
        byKind: { read: 1 },
        rows: [mismatch('read', '/usr/lib/libnss3.so', 'node/distroless-final-stage')],
        unfixable: ['read /usr/lib/libnss3.so: it comes from the OS package libnss3'],
      }),
      row('a/fine', { mismatches: 0, byKind: {}, rows: [], unfixable: [] }),
      row('a/untraced', { skipped: 'strace is not installed' }),
      row('a/not-asked', undefined),
    ];

    it('counts the originals observed, the rewrites lacking a need by kind, and the fixed', () => {
      const t = totalsOf(rows);
      expect([t.observed, t.observedMismatched, t.fixedByFeedback]).toEqual([3, 2, 1]);
      expect(t.mismatchesByKind).toEqual({ read: 2, mkdir: 1 });
    });

    it('the report lists each lacking rewrite and counts by kind', () => {
      const md = batchMarkdown({
        name: 'x',
        queries: 0,
        candidates: 0,
        kept: rows.length,
        runs: [{ label: 'first run', meta: null, rows }],
        reviews: [],
      }).join('\n');
      expect(md).toContain('| originals observed (--observe) | 3 |');
      expect(md).toContain(
        '| ... rewrites lacking an observed need (mismatches by kind) | 2 (mkdir 1, read 2) |',
      );
      expect(md).toContain('| ... fixed by feeding the observation back | 1 |');
      expect(md).toContain(
        '- a/fixed `Dockerfile`: read `/app/pages` (go/runtime-files: keep /app/pages); mkdir `/app/var` (node/writable-paths: keep /app/var); fed back: same, 0 left',
      );
      expect(md).toContain('- a/unfixable `Dockerfile`: read `/usr/lib/libnss3.so`');
    });

    it('a run without --observe has no observation lines', () => {
      const md = batchMarkdown({
        name: 'x',
        queries: 0,
        candidates: 0,
        kept: 1,
        runs: [{ label: 'first run', meta: null, rows: [row('a/not-asked', undefined)] }],
        reviews: [],
      }).join('\n');
      expect(md).not.toContain('observ');
    });
  });
});

describe('trial program output', () => {
  it('leaves out the banner a package manager prints around a script', () => {
    expect(programOutput('\n> news@1.0.0 start\n> node backend.js\n\nhello\n')).toBe('hello');
    expect(programOutput('yarn run v1.22.22\n$ node x.js\nhello\nDone in 0.12s.\n')).toBe('hello');
  });
});
