import { depthOf, MAX_JSON_DEPTH } from './json-body';

const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('depthOf', () => {
  it.each<[string, unknown, number]>([
    ['a string', 'x', 0],
    ['null', null, 0],
    ['a flat object', { email: 'a@b.c', password: 'x' }, 1],
    ['an object holding an array', { roles: ['admin'] }, 2],
    ['arrays nested 5 deep', nested(5), 5],
  ])('should measure %s as %i deep', (_label, value, depth) => {
    expect(depthOf(value)).toBe(depth);
  });

  it('should stop counting just past the limit, without recursion, for 100 000 levels', () => {
    expect(depthOf(nested(100_000))).toBe(MAX_JSON_DEPTH + 1);
  });
});
