import { allTemplateIds, getTemplate, imageReference, validateContract } from '../src/templates';

describe('base-image contracts (templates/*.json)', () => {
  it.each(allTemplateIds())('%s is valid and sourced', (id) => {
    const t = getTemplate(id);
    expect(t.id).toBe(id);
    expect(t.user.uid).toBeGreaterThan(0);
    for (const s of t.sources) {
      expect(s.ref.length).toBeGreaterThan(5);
      expect(['V', 'D', 'T']).toContain(s.confidence);
    }
    expect(t.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('rejects a contract without a numeric uid', () => {
    expect(() =>
      validateContract('x', {
        id: 'x',
        image: 'a',
        user: { name: 'a' },
        hasShell: false,
        entrypoint: null,
        sources: [{}],
      }),
    ).toThrow(/uid/);
  });

  // The facts that the classic hand migrations get wrong (failure-classes.md F1-F5, F10).
  it.each([
    ['node-distroless', 'entrypoint', ['/nodejs/bin/node']],
    ['node-distroless', 'hasShell', false],
    ['node-distroless', 'nodeMajors', [22, 24, 26]],
    ['node-chainguard', 'entrypoint', ['/usr/bin/node']],
    ['node-chainguard', 'workdir', '/app'],
    ['go-scratch', 'hasCaCerts', false],
    ['go-scratch', 'hasTzdata', false],
    ['go-chainguard-glibc-dynamic', 'hasTzdata', false],
    ['static-nginx-alpine', 'imageUser', ''],
    ['static-nginx-unprivileged', 'listenPort', 8080],
    ['static-nginx-chainguard', 'hasShell', false],
  ] as const)('%s %s', (id, key, value) => {
    expect(getTemplate(id)[key]).toEqual(value);
  });

  it('pins debian13 and the nonroot tag for distroless', () => {
    expect(imageReference(getTemplate('node-distroless'), { major: 24 })).toBe(
      'gcr.io/distroless/nodejs24-debian13:nonroot',
    );
    expect(imageReference(getTemplate('go-distroless-static'))).toBe(
      'gcr.io/distroless/static-debian13:nonroot',
    );
  });

  it('uses numeric users everywhere (65532 distroless/cgr/scratch, 101 nginx)', () => {
    const uids = Object.fromEntries(allTemplateIds().map((id) => [id, getTemplate(id).user.uid]));
    expect(uids).toMatchObject({
      'node-distroless': 65532,
      'go-scratch': 65532,
      'static-nginx-alpine': 101,
      'static-nginx-chainguard': 65532,
      'node-slim': 1000,
    });
  });
});
