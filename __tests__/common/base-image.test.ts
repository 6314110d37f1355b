import { missingTag, releasesOf } from '../../src/common/base-image';
import { parseImageRef } from '../../src/dockerfile/image-ref';

const ref = (raw: string) => parseImageRef(raw)!;

// Each row was checked against the official-images library history (templates/facts/images.json).
describe('tags the official images have had', () => {
  it.each([
    'node:20',
    'node:20.11.1-bookworm-slim',
    'node:lts-alpine',
    'node:current-slim',
    'node:lts-iron',
    'node:iron-alpine',
    'node:alpine3.12',
    'node:8-alpine',
    'node:20-buster',
    'node:lts-alpine3.9',
    'node:chakracore-10',
    'node:0.10.28',
    'golang:1.21.0-alpine',
    'golang:1.27-rc-alpine',
    'golang:1.25rc1-bullseye',
    'golang:tip-20250301-trixie',
    'golang:1.17-windowsservercore-ltsc2022',
    'golang:alpine',
  ])('%s exists', (raw) => {
    expect(missingTag(ref(raw))).toBeNull();
  });

  it.each([
    ['node:lastest', /not a variant/],
    ['node:stable', /not a variant/],
    ['node:18-stretch', /not built for node 18/],
    ['node:5-alpine', /not built for node 5/],
    ['node:23-trixie', /not built for node 23/],
    ['node:20-alpine3.15', /not built for node 20/],
    ['node:20-slim-bookworm', /not a variant/],
    ['node:27', /has not been released/],
    ['node:lts-iron-alpine', /never combined with a variant/],
    ['node:latest-alpine', /never combined with a variant/],
    ['golang:1.30', /has not been released/],
    ['golang:1.18-bookworm', /Go 1.19 to 1.27/],
    ['golang:latest-alpine', /never combined/],
    ['golang:1.21-slim', /not a variant/],
  ])('%s never existed', (raw, why) => {
    expect(missingTag(ref(raw))).toMatch(why);
  });

  it.each(['node:lastest', 'registry.example.com/node:lastest', 'python:lastest'])(
    'judges only Docker Hub node and golang: %s',
    (raw) => {
      expect(missingTag(ref(raw)) !== null).toBe(raw === 'node:lastest');
    },
  );
});

describe('the release a tag is built on', () => {
  it.each([
    ['node:14', { debian: ['buster'] }],
    ['node:16-slim', { debian: ['buster'] }],
    ['node:18.12.0', { debian: ['bullseye', 'bookworm'] }],
    ['node:22-bullseye', { debian: ['bullseye'] }],
    ['node:lts', { debian: ['bookworm'] }],
    ['node:16-alpine', { alpine: ['3.18'] }],
    ['node:14.17.0-alpine', { alpine: ['3.10', '3.17'] }],
    ['node:alpine3.12', { alpine: ['3.12'] }],
    ['golang:1.15', { debian: ['buster'] }],
    ['golang:1.20.3', { debian: ['bullseye', 'bookworm'] }],
    ['golang:1.17-alpine', { alpine: ['3.16'] }],
    ['golang:1.21.0-alpine', null],
    ['ubuntu:22.04', null],
  ])('%s', (raw, want) => {
    expect(releasesOf(ref(raw))).toEqual(want);
  });
});
