import { expandVariables, officialName, parseImageRef } from '../../src/dockerfile/image-ref';
import { analyzeNodeBase } from '../../src/node/image';

describe('parseImageRef', () => {
  it.each([
    ['node', null, 'node', null, null],
    ['node:22', null, 'node', '22', null],
    ['node:22.3.1-bookworm', null, 'node', '22.3.1-bookworm', null],
    ['docker.io/library/node:22', null, 'node', '22', null],
    ['index.docker.io/library/node:22-alpine', null, 'node', '22-alpine', null],
    ['library/node:24', null, 'node', '24', null],
    ['registry:5000/node:22', 'registry:5000', 'node', '22', null],
    ['localhost/node:22', 'localhost', 'node', '22', null],
    ['ghcr.io/acme/node:22', 'ghcr.io', 'acme/node', '22', null],
    ['nginxinc/nginx-unprivileged:alpine', null, 'nginxinc/nginx-unprivileged', 'alpine', null],
    ['node@sha256:' + 'a'.repeat(64), null, 'node', null, 'sha256:' + 'a'.repeat(64)],
    ['node:22@sha256:' + 'b'.repeat(64), null, 'node', '22', 'sha256:' + 'b'.repeat(64)],
    [
      'registry.example.com:443/team/golang:1.27-alpine',
      'registry.example.com:443',
      'team/golang',
      '1.27-alpine',
      null,
    ],
  ])('%s', (raw, registry, repository, tag, digest) => {
    expect(parseImageRef(raw)).toEqual({ raw, registry, repository, tag, digest });
  });

  it.each(['', 'Node:22', 'node:', 'node:22:23', 'node@sha256:xyz', '${IMAGE}', 'a b'])(
    'rejects %j',
    (raw) => {
      expect(parseImageRef(raw)).toBeNull();
    },
  );

  it('knows official images', () => {
    expect(officialName(parseImageRef('docker.io/library/golang:1.27')!)).toBe('golang');
    expect(officialName(parseImageRef('circleci/node:22')!)).toBeNull();
    expect(officialName(parseImageRef('registry:5000/node:22')!)).toBeNull();
  });
});

describe('expandVariables', () => {
  it.each([
    ['node:${V}', { V: '22' }, 'node:22'],
    ['node:$V-alpine', { V: '24' }, 'node:24-alpine'],
    ['node:${V:-26}', {}, 'node:26'],
    ['node:${V-26}', { V: '22' }, 'node:22'],
    ['node:${V}', {}, null],
  ])('%s', (text, values, expected) => {
    expect(expandVariables(text, values)).toBe(expected);
  });
});

describe('analyzeNodeBase', () => {
  it.each([
    ['22', 22, null, 'glibc', '22-slim'],
    ['22-slim', 22, 'slim', 'glibc', '22-slim'],
    ['22-alpine', 22, 'alpine', 'musl', '22-alpine'],
    ['22.3.1-bookworm', 22, 'bookworm', 'glibc', '22.3.1-bookworm-slim'],
    ['24-alpine3.22', 24, 'alpine3.22', 'musl', '24-alpine3.22'],
    ['jod-alpine', 22, 'alpine', 'musl', 'jod-alpine'],
    ['lts', null, null, 'glibc', 'lts-slim'],
    ['latest', null, null, 'glibc', 'slim'],
    ['alpine', null, 'alpine', 'musl', 'alpine'],
    ['20.11.1', 20, null, 'glibc', '20.11.1-slim'],
  ])('node:%s', (tag, major, variant, libc, slimTag) => {
    expect(analyzeNodeBase(parseImageRef(`node:${tag}`)!)).toEqual({
      tag,
      major,
      variant,
      libc,
      slimTag,
    });
  });
});
