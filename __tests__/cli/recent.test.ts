import { Recent } from '../../src/cli/recent';

describe('Recent', () => {
  it('drops the least recently used entry past its capacity', () => {
    const recent = new Recent<string, number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.set('c', 3);
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('a get makes an entry the most recent', () => {
    const recent = new Recent<string, number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.get('a');
    recent.set('c', 3);
    expect([recent.get('a'), recent.get('b'), recent.get('c')]).toEqual([1, undefined, 3]);
  });

  it('keeps null, which callers store for "looked, found nothing"', () => {
    const recent = new Recent<string, null>(1);
    recent.set('a', null);
    expect(recent.get('a')).toBeNull();
  });
});
