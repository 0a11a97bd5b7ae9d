import { REQUEST_ID_PATTERN, requestIdFor } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFor', () => {
  it.each(['a', 'client-7:retry.2_a', 'x'.repeat(128), '0b6e1c9a-5f0e-4d7c-9a34-1f1e2d3c4b5a'])(
    'should keep the safe id %p',
    (id) => {
      expect(requestIdFor(id)).toBe(id);
    },
  );

  it.each([
    ['too long', 'x'.repeat(129)],
    ['empty', ''],
    ['a space', 'a b'],
    ['a quote', 'a"b'],
    ['a newline', 'a\nb'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'café'],
  ])('should replace an id with %s by a UUID', (_why, id) => {
    expect(requestIdFor(id)).toMatch(UUID);
  });

  it('should make a fresh UUID when none or several are sent', () => {
    expect(requestIdFor(undefined)).toMatch(UUID);
    expect(requestIdFor(['a', 'b'])).toMatch(UUID);
    expect(requestIdFor(undefined)).not.toBe(requestIdFor(undefined));
  });

  it('should accept only what the contract allows', () => {
    expect(REQUEST_ID_PATTERN.source).toBe('^[A-Za-z0-9._:-]{1,128}$');
  });
});
