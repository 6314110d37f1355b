import { splitCommandList, splitShellWords } from '../../src/dockerfile/shell-words';

describe('splitShellWords', () => {
  it.each([
    ['node a.js', ['node', 'a.js']],
    ['  node   a.js  ', ['node', 'a.js']],
    [`node 'a b.js' "c d"`, ['node', 'a b.js', 'c d']],
    [`node "say \\"hi\\""`, ['node', 'say "hi"']],
    ['node a\\ b.js', ['node', 'a b.js']],
    ['node --port=80', ['node', '--port=80']],
    ['node a.js # comment', ['node', 'a.js']],
    ["node 'it''s'", ['node', 'its']],
  ])('%s', (input, words) => {
    expect(splitShellWords(input)).toEqual({ plain: true, words });
  });

  it.each([
    ['a && b', '&&'],
    ['a || b', '||'],
    ['a | b', 'pipe'],
    ['a; b', ';'],
    ['a &', 'background'],
    ['a > log', 'redirection'],
    ['a < in', 'redirection'],
    ['node $APP', 'variable'],
    ['node "$APP"', 'variable'],
    ['node `x`', 'substitution'],
    ['node *.js', 'glob'],
    ['NODE_ENV=production node a.js', 'environment'],
    ['node "unterminated', 'unterminated'],
    ['(node a.js)', 'subshell'],
    ['node ~/a.js', '~'],
  ])('refuses %s', (input, why) => {
    const r = splitShellWords(input);
    expect(r.plain).toBe(false);
    if (!r.plain) expect(r.reason).toContain(why);
  });
});

describe('splitCommandList', () => {
  it('splits on operators outside quotes', () => {
    expect(
      splitCommandList(`apt-get update && apt-get install -y "a && b"; echo x | tee y`),
    ).toEqual(['apt-get update', 'apt-get install -y "a && b"', 'echo x', 'tee y']);
  });
});
