import { Role } from '../../common/role';
import { AccessTokenClaims, hasRequiredClaims, kidFromAcceptableHeader } from './access-token-claims';

const PAYLOAD = Buffer.from(JSON.stringify({ sub: 'user-1' })).toString('base64url');

/** A compact JWS-looking string with this protected header; the payload and signature do not matter here. */
function tokenWithHeader(header: unknown): string {
  return tokenWithRawHeader(JSON.stringify(header));
}

function tokenWithRawHeader(json: string): string {
  return `${Buffer.from(json).toString('base64url')}.${PAYLOAD}.c2lnbmF0dXJl`;
}

function claims(overrides: Partial<Record<keyof AccessTokenClaims, unknown>> = {}): Record<string, unknown> {
  return {
    iss: 'https://auth.example.org',
    sub: '5f0c6a8e-2b1d-4c3e-9f7a-1b2c3d4e5f60',
    aud: 'bastion-api',
    iat: 1_800_000_000,
    nbf: 1_800_000_000,
    exp: 1_800_000_900,
    jti: 'b1e2c3d4-0000-4000-8000-000000000001',
    sid: 'a1e2c3d4-0000-4000-8000-000000000002',
    client_id: 'bastion',
    roles: [Role.User],
    amr: ['pwd'],
    ...overrides,
  };
}

describe('kidFromAcceptableHeader', () => {
  it('should return the kid of an at+jwt header with the pinned algorithm', () => {
    expect(kidFromAcceptableHeader(tokenWithHeader({ alg: 'RS256', kid: 'key-1', typ: 'at+jwt' }), 'RS256')).toBe(
      'key-1',
    );
  });

  it('should accept typ application/at+jwt', () => {
    expect(
      kidFromAcceptableHeader(tokenWithHeader({ alg: 'ES256', kid: 'key-2', typ: 'application/at+jwt' }), 'ES256'),
    ).toBe('key-2');
  });

  it('should compare typ case-insensitively', () => {
    expect(kidFromAcceptableHeader(tokenWithHeader({ alg: 'ES256', kid: 'key-3', typ: 'AT+JWT' }), 'ES256')).toBe(
      'key-3',
    );
  });

  it.each([
    ['another algorithm', { alg: 'HS256', kid: 'key-1', typ: 'at+jwt' }],
    ['alg none', { alg: 'none', kid: 'key-1', typ: 'at+jwt' }],
    ['a lower-cased algorithm', { alg: 'rs256', kid: 'key-1', typ: 'at+jwt' }],
    ['no alg', { kid: 'key-1', typ: 'at+jwt' }],
    ['no kid', { alg: 'RS256', typ: 'at+jwt' }],
    ['a numeric kid', { alg: 'RS256', kid: 1, typ: 'at+jwt' }],
    ['typ JWT', { alg: 'RS256', kid: 'key-1', typ: 'JWT' }],
    ['no typ', { alg: 'RS256', kid: 'key-1' }],
    ['a non-string typ', { alg: 'RS256', kid: 'key-1', typ: ['at+jwt'] }],
    ['jku', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', jku: 'https://evil.example/jwks.json' }],
    ['x5u', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', x5u: 'https://evil.example/cert.pem' }],
    ['jwk', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }],
    ['x5c', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', x5c: ['MIIB'] }],
    ['crit', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', crit: ['exp'] }],
    ['cty', { alg: 'RS256', kid: 'key-1', typ: 'at+jwt', cty: 'JWT' }],
  ])('should refuse a header with %s', (_label, header) => {
    expect(kidFromAcceptableHeader(tokenWithHeader(header), 'RS256')).toBeNull();
  });

  it.each([
    ['non-JSON', tokenWithRawHeader('{"alg":"RS256",')],
    ['a JSON string', tokenWithRawHeader('"at+jwt"')],
    ['JSON null', tokenWithRawHeader('null')],
    ['a JSON array', tokenWithRawHeader('["RS256","key-1","at+jwt"]')],
    ['a JSON number', tokenWithRawHeader('42')],
    ['an empty header segment', `.${PAYLOAD}.c2lnbmF0dXJl`],
    ['no dot at all', 'not-a-token'],
    ['an empty string', ''],
  ])('should refuse %s', (_label, token) => {
    expect(kidFromAcceptableHeader(token, 'RS256')).toBeNull();
  });
});

describe('hasRequiredClaims', () => {
  const maxLifetime = 900;
  const rules = { maxLifetimeSeconds: maxLifetime, clientId: 'bastion', latestIssuedAt: 1_800_000_001 };

  it('should accept a payload with every claim', () => {
    expect(hasRequiredClaims(claims(), rules)).toBe(true);
  });

  it('should accept amr with a second factor', () => {
    expect(hasRequiredClaims(claims({ amr: ['pwd', 'otp'] }), rules)).toBe(true);
  });

  it('should accept both roles', () => {
    expect(hasRequiredClaims(claims({ roles: [Role.Admin, Role.User] }), rules)).toBe(true);
  });

  it.each(['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti', 'sid', 'client_id', 'roles', 'amr'] as const)(
    'should refuse a payload without %s',
    (claim) => {
      const payload = claims();
      delete payload[claim];

      expect(hasRequiredClaims(payload, rules)).toBe(false);
    },
  );

  it.each([
    ['an empty sub', { sub: '' }],
    ['an empty sid', { sid: '' }],
    ['an empty jti', { jti: '' }],
    ['a numeric sub', { sub: 42 }],
    ['an audience array', { aud: ['bastion-api'] }],
    ['a fractional exp', { exp: 1_800_000_900.5 }],
    ['a string iat', { iat: '1800000000' }],
    ['a string nbf', { nbf: '1800000000' }],
    ['roles as a string', { roles: 'admin' }],
    ['an unknown role', { roles: [Role.User, 'superuser'] }],
    ['no role at all', { roles: [] }],
    ['a role in another case', { roles: ['Admin'] }],
    ['another client_id', { client_id: 'another-client' }],
    ['a client_id array', { client_id: ['bastion'] }],
    ['amr as a string', { amr: 'pwd' }],
    ['an empty amr', { amr: [] }],
    ['an unknown amr method', { amr: ['pwd', 'face'] }],
  ])('should refuse %s', (_label, overrides) => {
    expect(hasRequiredClaims(claims(overrides), rules)).toBe(false);
  });

  it.each([null, 'a string', 42])('should refuse a payload that is not an object: %p', (payload) => {
    expect(hasRequiredClaims(payload, rules)).toBe(false);
  });

  it('should accept a lifetime of exactly the maximum', () => {
    expect(hasRequiredClaims(claims({ exp: 1_800_000_000 + maxLifetime }), rules)).toBe(true);
  });

  it('should accept an iat up to the latest allowed and refuse a later one', () => {
    expect(hasRequiredClaims(claims({ iat: 1_800_000_001, nbf: 1_800_000_001 }), rules)).toBe(true);
    expect(hasRequiredClaims(claims({ iat: 1_800_000_002, nbf: 1_800_000_002 }), rules)).toBe(false);
  });

  it('should refuse an iat far in the future even when exp keeps the lifetime short', () => {
    const iat = 1_800_000_000 + 10 * 365 * 86400;

    expect(hasRequiredClaims(claims({ iat, nbf: 1_800_000_000, exp: iat + 60 }), rules)).toBe(false);
  });

  it('should refuse a lifetime longer than allowed', () => {
    expect(hasRequiredClaims(claims({ exp: 1_800_000_000 + maxLifetime + 1 }), rules)).toBe(false);
  });
});
