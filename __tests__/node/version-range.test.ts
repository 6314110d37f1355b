import { satisfies } from '../../src/node/version-range';

// Rows checked against node-semver's satisfies (what npm decides with).
describe('satisfies', () => {
  it.each([
    ['caret keeps the major', '4.21.2', '^4.18.0', true],
    ['caret below its floor', '4.18.2', '^4.21.2', false],
    ['caret on 0.x keeps the minor', '0.2.9', '^0.2.3', true],
    ['caret on 0.x moves with the minor', '0.3.0', '^0.2.3', false],
    ['caret on 0.0.x is one patch', '0.0.4', '^0.0.3', false],
    ['caret on a major alone', '1.9.0', '^1', true],
    ['tilde keeps the minor', '1.2.9', '~1.2.3', true],
    ['tilde stops at the next minor', '1.3.0', '~1.2.3', false],
    ['tilde on a major alone', '1.9.0', '~1', true],
    ['an x-range', '2.1.3', '2.x', true],
    ['an x-range of another major', '3.0.0', '2.x', false],
    ['a partial version is an x-range', '1.2.7', '1.2', true],
    ['an exact version', '1.2.3', '1.2.3', true],
    ['an exact version with v and =', '1.2.3', '=v1.2.3', true],
    ['another exact version', '1.2.4', '1.2.3', false],
    ['any version', '7.0.0', '*', true],
    ['an empty range is any version', '7.0.0', '', true],
    ['comparators, operators apart from their versions', '1.5.0', '>= 1.2 < 2', true],
    ['greater than a partial version', '1.2.9', '>1.2', false],
    ['at most a partial version', '1.2.9', '<=1.2', true],
    ['a hyphen range with a partial end', '2.3.9', '1.2.3 - 2.3', true],
    ['a hyphen range past its end', '2.4.0', '1.2.3 - 2.3', false],
    ['alternatives', '2.1.0', '^1.0.0 || ^2.0.0', true],
    ['build metadata is ignored', '1.2.3+abc', '^1.2.0', true],
  ])('%s: %s in %s', (_name, version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it.each([
    ['a dist-tag', '1.2.3', 'latest'],
    ['an alias', '1.2.3', 'npm:other@^1.2.0'],
    ['a file path', '1.2.3', 'file:../lib'],
    ['a git URL', '1.2.3', 'github:acme/lib#v1'],
    ['a prerelease version', '1.2.3-beta.1', '^1.2.0'],
    ['a prerelease in the range', '1.2.3', '>=1.2.3-rc.1'],
  ])('%s is not judged (%s, %s)', (_name, version, range) => {
    expect(satisfies(version, range)).toBeNull();
  });
});
