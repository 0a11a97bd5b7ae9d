import { parseDurationSeconds } from './duration';

describe('parseDurationSeconds', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['12h', 43200],
    ['30d', 2592000],
    ['42', 42],
    ['0', 0],
    [' 7d ', 604800],
    ['5 m', 300],
  ])('should read %p as %p seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '   ', 'm', '-5s', '1.5h', '15M', '2w', '10 minutes', '1h30m', 'soon'])('should refuse %p', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow('is not a duration');
  });

  it('should quote the refused text in its message', () => {
    expect(() => parseDurationSeconds('a while')).toThrow('"a while" is not a duration');
  });
});
