import { carriesBearerToken } from './metrics-token';

const TOKEN = 'q7Rk2WmZ9xPv4Ls8Tn3Yb6Hc1Jd5Fg0A';

describe('carriesBearerToken', () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN}`])('should accept %p', (header) => {
    expect(carriesBearerToken(header, TOKEN)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another token', 'Bearer q7Rk2WmZ9xPv4Ls8Tn3Yb6Hc1Jd5Fg0B'],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, 16)}`],
    ['the token and more', `Bearer ${TOKEN}x`],
    ['the token without the scheme', TOKEN],
    ['another scheme', `Basic ${TOKEN}`],
    ['the token followed by another word', `Bearer ${TOKEN} ${TOKEN}`],
  ])('should refuse %s', (_label, header) => {
    expect(carriesBearerToken(header, TOKEN)).toBe(false);
  });
});
